// Editing on the canvas with mouse and keyboard: multi-select, copy/paste, delete, undo/redo,
// auto-layout, palette search, zoom to fit. Against the example NL2SQL flow `r1flow start` imports.
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { edgeCount, node } from './editor-page.ts';
import { setUpEditorSession } from './editor-session.ts';

// Wide enough for the whole pipeline at the readable zoom the editor opens a flow at: every node
// and edge is drawn.
const session = setUpEditorSession({
  path: '/#/flows/nl2sql',
  waitForFlow: true,
  viewport: { width: 2800, height: 1000 },
});
const PIPELINE = ['start', 'retrieve', 'generate', 'execute', 'correct', 'vote', 'answer'];

async function nodeX(page: Page, id: string): Promise<number> {
  const transform = await page
    .getByTestId(`rf__node-${id}`)
    .evaluate((element) => (element as HTMLElement).style.transform);
  return Number(/translate\(([-\d.]+)px/.exec(transform)?.[1]);
}

describe('editing the canvas', () => {
  test('two nodes selected with Ctrl-click are copied with the edges between them, pasted, deleted, and undone', async () => {
    const { page } = session;
    const edges = 19; // in the example flow
    await expect.poll(() => edgeCount(page)).toBe(edges);
    await node(page, 'vote').locator('.flow-node-header').click();
    await node(page, 'answer')
      .locator('.flow-node-header')
      .click({ modifiers: ['Control'] });
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(2);

    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await node(page, 'vote_2').waitFor();
    await node(page, 'answer_2').waitFor();
    // sql, rows, confidence, clusters, abstained and reason run from vote to answer.
    await expect.poll(() => edgeCount(page)).toBe(edges + 6);

    await page.keyboard.press('Delete');
    await node(page, 'vote_2').waitFor({ state: 'detached' });
    await expect.poll(() => edgeCount(page)).toBe(edges);

    // One undo brings back the nodes and the edges between them.
    await page.keyboard.press('Control+z');
    await node(page, 'answer_2').waitFor();
    await expect.poll(() => edgeCount(page)).toBe(edges + 6);
    await page.keyboard.press('Control+Shift+z');
    await node(page, 'answer_2').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('v1 · saved');
  });

  test('auto-layout places the pipeline left to right, and undo puts the nodes back', async () => {
    const { page } = session;
    const before = await Promise.all(PIPELINE.map((id) => nodeX(page, id)));
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('l');
    await expect.poll(() => nodeX(page, 'answer')).not.toBe(before.at(-1));
    const after = await Promise.all(PIPELINE.map((id) => nodeX(page, id)));
    for (let i = 1; i < after.length; i++) expect(after[i]!, PIPELINE[i]).toBeGreaterThan(after[i - 1]!);
    expect(await page.getByTestId('save-state').textContent()).toBe('v1 · unsaved changes');

    await page.getByTestId('undo').click();
    await expect.poll(() => Promise.all(PIPELINE.map((id) => nodeX(page, id)))).toEqual(before);
  });

  test('the palette filters node types as you type and groups them by family', async () => {
    const { page } = session;
    const groups = await page.locator('.palette-group h3').allTextContents();
    expect(groups.slice(0, 4)).toEqual(['trigger', 'schema', 'llm', 'sql']);
    await page.getByTestId('palette-search').fill('self-consistency');
    await expect
      .poll(() => page.locator('.palette-item').allTextContents())
      .toEqual(['Self-consistency votesql.vote@1']);
    await page.getByTestId('palette-search').fill('');
  });

  test('the shortcut list opens with ?', async () => {
    const { page } = session;
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('?');
    await expect.poll(() => page.getByTestId('shortcuts-help').textContent()).toContain('auto-layout');
    await page.getByTestId('shortcuts-help').getByRole('button', { name: 'Close' }).click();
  });
});
