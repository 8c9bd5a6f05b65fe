// A builder maps one node's output into another node's param: switches the param to an
// expression with "ƒx", writes JSONata over $node and $input, and reads its value against the
// flow's last run under the field; the saved draft holds {"$expr": …}. In real Chromium against
// `r1flow start`.
import { describe, expect, test } from 'vitest';
import { saveScreenshot } from '../support/browser.ts';
import { dismissNotices, selectNode, waitForCanvas, waitForEditor } from './editor-page.ts';
import { setUpEditorSession } from './editor-session.ts';

const session = setUpEditorSession({ viewport: { width: 1440, height: 900 } });

const flow = {
  id: 'mapped',
  name: 'Mapped answer',
  nodes: [
    {
      id: 'start',
      type: 'trigger.manual@1',
      params: { fields: [{ name: 'question', type: 'string' }] },
      position: { x: 0, y: 0 },
    },
    { id: 'answer', type: 'output.answer@1', params: {}, position: { x: 300, y: 0 } },
    {
      id: 'post',
      type: 'http.request@1',
      // No host is allowed: the run stops here, after answer has its output.
      params: {
        url: 'http://hooks.example.invalid/x',
        body: { $expr: '$node.answer.answer.question & "?!"' },
      },
      position: { x: 600, y: 0 },
    },
  ],
  edges: [
    { id: 'e1', from: { node: 'start', port: 'question' }, to: { node: 'answer', port: 'question' } },
    { id: 'e2', from: { node: 'answer', port: 'answer' }, to: { node: 'post', port: 'data' } },
  ],
};

describe('param expressions in the editor', () => {
  test('an expression param shows its value from the last run, updates as it is edited, and saves', async () => {
    const { page, server } = session;
    expect((await server.api('POST', '/api/flows', flow)).status).toBe(201);
    const started = await server.api<{ run: { id: string; status: string; error: { code: string } | null } }>(
      'POST',
      '/api/flows/mapped/runs?wait=20s',
      { input: { question: 'How many customers' } },
    );
    expect(started.body.run.status).toBe('failed');
    expect(started.body.run.error?.code).toBe('HTTP_HOST_NOT_ALLOWED');

    await page.goto(`${server.url}/#/flows/mapped`);
    await waitForEditor(page);
    await waitForCanvas(page);
    await selectNode(page, 'post');

    const preview = page.getByTestId('expr-preview-params.body');
    await expect.poll(() => preview.textContent()).toContain('"How many customers?!"');

    await page.getByTestId('expr-params.body').fill('{"text": $uppercase($input.question), "n": 1 + 1}');
    await expect.poll(() => preview.textContent()).toContain('{"text":"HOW MANY CUSTOMERS","n":2}');

    await page.getByTestId('expr-params.body').fill('$node.answer.answer.question &');
    await expect.poll(() => preview.getAttribute('class')).toContain('expression-preview-error');

    // Any other param can be switched too, and back.
    await page.getByTestId('expr-toggle-params.timeoutMs').click();
    await page.getByTestId('expr-params.timeoutMs').fill('$length($input.question) * 100');
    await expect
      .poll(() => page.getByTestId('expr-preview-params.timeoutMs').textContent())
      .toContain('1800');

    // A node that is not upstream is refused by validation, naming the param and the expression.
    await page.getByTestId('expr-params.body').fill('$node.nowhere.answer');
    await expect
      .poll(() => page.locator('[data-field="params.body"] [data-testid="field-issue"]').textContent())
      .toContain('$node.nowhere, which is not a node of the flow');
    await page.getByTestId('expr-params.body').fill('{"text": $node.answer.answer.question}');
    await expect.poll(() => preview.textContent()).toContain('{"text":"How many customers"}');
    await dismissNotices(page);
    await saveScreenshot(page, 'editor-param-expression');

    await page.getByTestId('save-flow').click();
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('v1 published · draft saved');
    const saved = await server.api<{
      draft: { document: { nodes: { id: string; params: Record<string, unknown> }[] } };
    }>('GET', '/api/flows/mapped');
    expect(saved.body.draft.document.nodes.find((n) => n.id === 'post')?.params).toMatchObject({
      body: { $expr: '{"text": $node.answer.answer.question}' },
      timeoutMs: { $expr: '$length($input.question) * 100' },
    });
  });
});
