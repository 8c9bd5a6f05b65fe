// Drafts and publishing in the editor, in real Chromium: edits autosave as a draft (no version),
// Publish makes a version with a note (once per change), the switch turns the flow off and on, and
// a test set the flow fails refuses the publish and lists the failed questions.
import { describe, expect, test } from 'vitest';
import { field, notice, selectNode } from './editor-page.ts';
import { setUpEditorSession } from './editor-session.ts';

const session = setUpEditorSession({ path: '/#/flows/nl2sql', waitForFlow: true });

interface Versions {
  versions: { version: number; publication: { note: string | null } | null }[];
}
interface FlowState {
  flow: { publishedVersion: number | null; enabled: boolean };
  draft: { document: { nodes: { id: string; params: Record<string, unknown> }[] } } | null;
}

const versions = async () =>
  (await session.server.api<Versions>('GET', '/api/flows/nl2sql/versions')).body.versions;
const flowState = async () => (await session.server.api<FlowState>('GET', '/api/flows/nl2sql')).body;
const saveState = () => session.page.getByTestId('save-state').textContent();

async function publish(note: string): Promise<void> {
  const { page } = session;
  await page.getByTestId('publish-flow').click();
  await page.getByTestId('publish-note').fill(note);
  await page.getByTestId('publish-confirm').click();
}

describe('drafts and publishing', () => {
  test('an edit autosaves as a draft without a version; Publish makes one with its note, once', async () => {
    const { page } = session;
    await expect.poll(saveState).toBe('v1 published · saved');
    await selectNode(page, 'generate');
    await field(page, 'params.n').fill('4');
    await expect.poll(saveState).toBe('v1 published · draft saved');
    const state = await flowState();
    expect(state.draft?.document.nodes.find((n) => n.id === 'generate')?.params.n).toBe(4);
    expect((await versions()).map((v) => v.version)).toEqual([1]);

    await publish('fewer samples');
    await expect.poll(saveState).toBe('v2 published · saved');
    expect((await versions())[0]).toMatchObject({ version: 2, publication: { note: 'fewer samples' } });
    expect((await flowState()).flow.publishedVersion).toBe(2);

    await publish('again');
    await expect
      .poll(() => notice(page, 'publish').textContent())
      .toContain('Nothing changed since version 2');
    expect(await versions()).toHaveLength(2);
  });

  test('the switch turns the flow off and on', async () => {
    const { page } = session;
    const toggle = page.getByTestId('flow-enabled');
    expect(await toggle.isChecked()).toBe(true);
    await toggle.click();
    await expect.poll(async () => (await flowState()).flow.enabled).toBe(false);
    expect(await toggle.isChecked()).toBe(false);
    await toggle.click();
    await expect.poll(async () => (await flowState()).flow.enabled).toBe(true);
  });

  test('a failing test set refuses the publish, lists the failed question, and publishes nothing', async () => {
    const { page } = session;
    const document = (
      await session.server.api<{ version: { document: Record<string, unknown> } }>(
        'GET',
        '/api/flows/nl2sql/versions/2',
      )
    ).body.version.document;
    const { version: _version, ...rest } = document;
    const wrong = 'How many orders were cancelled?';
    const saved = await session.server.api('PUT', '/api/flows/nl2sql/draft', {
      ...rest,
      testSet: {
        minExecutionAccuracy: 1,
        questions: [
          { question: 'How many customers do we have?', expectedSql: 'SELECT COUNT(*) FROM customers' },
          { question: wrong, expectedRows: [[123456]] },
        ],
      },
    });
    expect(saved.status).toBe(200);
    await page.reload();
    await expect.poll(saveState).toBe('v2 published · draft saved');

    await publish('with a test set');
    const failures = page.getByTestId('publish-failures');
    await failures.waitFor({ timeout: 60_000 });
    expect(await failures.textContent()).toContain('1 of 2 test questions answered right');
    expect(await page.getByTestId('publish-failure-2').textContent()).toContain(wrong);
    expect(await page.getByTestId('publish-failure-2').textContent()).toContain('mismatch');
    expect((await flowState()).flow.publishedVersion).toBe(2);
    expect((await versions()).filter((v) => v.publication !== null)).toHaveLength(2);
  });
});
