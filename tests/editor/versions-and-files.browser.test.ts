// Versions (save, change, restore with a readable diff), the unsaved-changes guard, import and
// export of flow files (and refusing bad ones), and the triggers panel: in real Chromium.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { saveScreenshot } from '../support/browser.ts';
import { field, notice, selectNode, waitForEditor } from './editor-page.ts';
import { setUpEditorSession } from './editor-session.ts';

// Wide enough for the whole pipeline at the readable zoom the editor opens a flow at: every node
// is drawn.
const session = setUpEditorSession({
  path: '/#/flows/nl2sql',
  waitForFlow: true,
  viewport: { width: 2800, height: 1000 },
});

interface FlowFile {
  id: string;
  name: string;
  nodes: { id: string; type: string; params: Record<string, unknown>; position?: { x: number; y: number } }[];
  edges: unknown[];
}

async function save(expected: string): Promise<void> {
  await session.page.getByTestId('save-flow').click();
  await expect.poll(() => session.page.getByTestId('save-state').textContent()).toBe(expected);
}

async function exportFlow(): Promise<FlowFile> {
  const [download] = await Promise.all([
    session.page.waitForEvent('download'),
    session.page.getByTestId('export-flow').click(),
  ]);
  return JSON.parse(readFileSync((await download.path())!, 'utf8')) as FlowFile;
}

async function importFile(name: string, text: string): Promise<void> {
  await session.page
    .getByTestId('import-file')
    .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

describe('versions', () => {
  test('a saved change is a new version; restoring the old one shows what differs and saves as the newest', async () => {
    const { page } = session;
    await selectNode(page, 'generate');
    await field(page, 'params.n').fill('4');
    await save('v2 · saved');
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.getByTestId('flow-name-input').fill('Ask the warehouse, fewer samples');
    await save('v3 · saved');

    await page.getByTestId('tab-versions').click();
    await page.getByTestId('version-1').click();
    const diff = page.getByTestId('version-diff');
    await expect.poll(() => diff.textContent()).toContain('generate params.n: 8 → 4');
    expect(await diff.textContent()).toContain(
      'flow name: "Ask the warehouse" → "Ask the warehouse, fewer samples"',
    );
    await saveScreenshot(page, 'editor-versions');

    await page.getByTestId('restore-version').click();
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('v3 · unsaved changes');
    await expect.poll(() => diff.textContent()).toContain('is the same as version 1');
    await save('v4 · saved');
    const { body } = await session.server.api<{ version: { document: FlowFile } }>(
      'GET',
      '/api/flows/nl2sql/versions/4',
    );
    expect(body.version.document.name).toBe('Ask the warehouse');
    expect(body.version.document.nodes.find((n) => n.id === 'generate')?.params.n).toBe(8);
  });

  test('leaving a flow with unsaved changes asks first; cancelling keeps the edits', async () => {
    const { page } = session;
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.getByTestId('tab-node').click();
    await page.getByTestId('flow-name-input').fill('Unsaved name');
    await page.getByTestId('flow-picker').selectOption('hello-branch');
    await page.getByTestId('confirm-dialog').waitFor();
    await page.getByTestId('confirm-cancel').click();
    expect(await page.getByTestId('flow-name-input').inputValue()).toBe('Unsaved name');
    await page.getByTestId('undo').click();
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('v4 · saved');
  });
});

describe('import and export', () => {
  test('an exported flow imports back unchanged', async () => {
    const exported = await exportFlow();
    expect(exported.id).toBe('nl2sql');
    expect(exported.nodes.map((n) => n.id)).toEqual([
      'start',
      'retrieve',
      'generate',
      'execute',
      'correct',
      'vote',
      'answer',
    ]);
    await importFile('nl2sql.flow.json', JSON.stringify(exported));
    await expect
      .poll(() => notice(session.page, 'import').textContent())
      .toContain('Imported "Ask the warehouse"');
    expect(await exportFlow()).toEqual(exported);
    expect(await session.page.getByTestId('save-state').textContent()).toBe('v4 · saved');
  });

  test('a flow file without positions is laid out on import and saves as a new flow', async () => {
    const { page } = session;
    const exported = await exportFlow();
    const copy: FlowFile = {
      ...exported,
      id: 'nl2sql-copy',
      name: 'Copy of the pipeline',
      nodes: exported.nodes.map(({ position: _position, ...rest }) => rest),
    };
    await importFile('copy.flow.json', JSON.stringify(copy));
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('not saved yet');
    const answerX = await page
      .getByTestId('rf__node-answer')
      .evaluate((e) => (e as HTMLElement).style.transform);
    const startX = await page
      .getByTestId('rf__node-start')
      .evaluate((e) => (e as HTMLElement).style.transform);
    expect(answerX).not.toBe(startX);
    await save('v1 · saved');
    const { body } = await session.server.api<{ version: { document: FlowFile } }>(
      'GET',
      '/api/flows/nl2sql-copy',
    );
    expect(body.version.document.nodes.every((n) => n.position !== undefined)).toBe(true);
  });

  test('a file that is not JSON is refused with a clear message, and the open flow is untouched', async () => {
    const { page } = session;
    const before = await exportFlow();
    await importFile('broken.json', '{ "id": "x", "nodes": [ }');
    await expect.poll(() => notice(page, 'import').textContent()).toContain('broken.json is not valid JSON');
    expect(await notice(page, 'import').textContent()).toContain('The flow you are editing is unchanged');
    expect(await exportFlow()).toEqual(before);
    await saveScreenshot(page, 'editor-import-refused');
  });

  test('a flow with node types the server does not have is refused, naming them', async () => {
    const { page } = session;
    const before = await exportFlow();
    const unknown = {
      id: 'mystery',
      name: 'Mystery',
      nodes: [{ id: 'a', type: 'magic.wand@3', params: {} }],
      edges: [],
    };
    await importFile('mystery.flow.json', JSON.stringify(unknown));
    await expect.poll(() => notice(page, 'import').textContent()).toContain('magic.wand@3 (node "a")');
    expect(await exportFlow()).toEqual(before);
  });
});

describe('triggers', () => {
  test('a webhook shows its URL, auth and a signed curl; a schedule its next five times and an on/off switch', async () => {
    const { page } = session;
    const created = await session.server.api('POST', '/api/flows', {
      id: 'hooked',
      name: 'Hooked',
      nodes: [
        {
          id: 'hook',
          type: 'trigger.webhook@1',
          params: { path: 'editor-test', fields: [{ name: 'question' }] },
        },
        { id: 'nightly', type: 'trigger.schedule@1', params: { cron: '0 2 * * *' } },
        { id: 'out', type: 'output.answer@1', params: {} },
      ],
      edges: [{ id: 'e1', from: { node: 'hook', port: 'question' }, to: { node: 'out', port: 'question' } }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await page.goto(`${session.server.url}/#/flows/hooked`);
    await waitForEditor(page);
    await page.getByTestId('tab-triggers').click();

    expect(await page.getByTestId('webhook-url').textContent()).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/hooks\/editor-test$/,
    );
    expect(await page.getByTestId('webhook-curl').textContent()).toContain('X-R1flow-Signature: sha256=$SIG');
    expect(await page.getByTestId('webhook-secret').textContent()).toBe('••••••••••••');
    await expect.poll(() => page.getByTestId('schedule-next').locator('li').count()).toBe(5);
    await saveScreenshot(page, 'editor-triggers');

    await page.getByTestId('trigger-switch-nightly').uncheck();
    await expect.poll(() => page.getByTestId('trigger-switch-nightly').isChecked()).toBe(false);
    const { body } = await session.server.api<{ triggers: { nodeId: string; enabled: boolean }[] }>(
      'GET',
      '/api/flows/hooked/triggers',
    );
    expect(body.triggers.find((t) => t.nodeId === 'nightly')?.enabled).toBe(false);
  });
});
