// A builder reads what each node of the demo flow cost (tokens, model and SQL time, rows), pins
// llm.generate's output from that run, runs again without calling the model for it (the node
// shows `pinned`, its pin badge on the canvas), then unpins it: in real Chromium against
// `r1flow start` (simulated model server, demo warehouse).
import { describe, expect, test } from 'vitest';
import type { RunDetails } from '../../editor/src/api/api-types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { dismissNotices, node, selectNode } from './editor-page.ts';
import { setUpEditorSession } from './editor-session.ts';

const session = setUpEditorSession({
  path: '/#/flows/nl2sql',
  waitForFlow: true,
  viewport: { width: 1600, height: 1000 },
});

async function runQuestion(question: string): Promise<void> {
  const { page } = session;
  await page.getByTestId('tab-run').click();
  await page.getByTestId('run-input-question').fill(question);
  await page.getByTestId('run-button').click();
  await expect
    .poll(() => page.getByTestId('run-status').textContent(), { timeout: 60_000 })
    .toBe('succeeded');
}

async function shownRun(): Promise<RunDetails> {
  const { page, server } = session;
  const text = (await page.getByTestId('run-summary').textContent()) ?? '';
  const prefix = /run (\S+)…/.exec(text)?.[1] ?? '';
  const { body } = await server.api<{ runs: { id: string }[] }>('GET', '/api/runs?flow=nl2sql&limit=5');
  const id = body.runs.find((run) => run.id.startsWith(prefix))!.id;
  return (await server.api<RunDetails>('GET', `/api/runs/${id}`)).body;
}

describe('cost per node and pinned outputs in the editor', () => {
  test('the run panel, runs list and node details show what the run and each node cost', async () => {
    const { page } = session;
    await runQuestion('How many orders were placed?');
    await expect.poll(() => page.getByTestId('run-cost').textContent()).toMatch(/\d+ → \d+ tokens/);
    await expect
      .poll(() => page.getByTestId('run-history').getByTestId('run-history-cost').first().textContent())
      .toMatch(/tokens/);
    const stored = await shownRun();
    const generate = stored.nodes.find((n) => n.nodeId === 'generate')!;
    expect(generate.cost!.tokensIn).toBeGreaterThan(0);
    expect(stored.run.cost!.tokensIn).toBe(stored.nodes.reduce((sum, n) => sum + (n.cost?.tokensIn ?? 0), 0));

    await selectNode(page, 'generate');
    const details = page.getByTestId('node-run-details');
    await expect
      .poll(() => details.getByTestId('node-run-cost').textContent())
      .toContain(`${generate.cost!.tokensIn.toLocaleString('en-US')} → `);
    await selectNode(page, 'execute');
    await expect.poll(() => details.getByTestId('node-run-cost').textContent()).toMatch(/SQL .*\d+ rows?/);
    await saveScreenshot(page, 'editor-node-cost');
  });

  test('pinning generate’s output: the next run takes it without calling the model; unpinning undoes it', async () => {
    const { page, server } = session;
    await selectNode(page, 'generate');
    await page.getByTestId('pin-output').click();
    await expect.poll(() => node(page, 'generate').getByTestId('pin-badge-generate').count()).toBe(1);
    await expect.poll(() => page.getByTestId('unpin-output').count()).toBe(1);
    const pins = await server.api<{ pins: { nodeId: string }[] }>('GET', '/api/flows/nl2sql/pins');
    expect(pins.body.pins.map((pin) => pin.nodeId)).toEqual(['generate']);
    await dismissNotices(page);

    await runQuestion('How many orders were placed?');
    await expect
      .poll(() => node(page, 'generate').getByTestId('node-run-state').textContent())
      .toContain('pinned');
    const pinnedRun = await shownRun();
    const generate = pinnedRun.nodes.find((n) => n.nodeId === 'generate')!;
    expect(generate).toMatchObject({ pinned: true, cost: null, attempt: 0 });
    expect(pinnedRun.run.cost?.tokensIn ?? 0).toBe(0);
    expect(pinnedRun.nodes.find((n) => n.nodeId === 'execute')!.status).toBe('succeeded');
    await saveScreenshot(page, 'editor-pinned-node');

    // generate is still selected from before the run: clicking it again brings its inspector forward.
    await selectNode(page, 'generate');
    await page.getByTestId('unpin-output').click();
    await expect.poll(() => node(page, 'generate').getByTestId('pin-badge-generate').count()).toBe(0);
    const after = await server.api<{ pins: unknown[] }>('GET', '/api/flows/nl2sql/pins');
    expect(after.body.pins).toEqual([]);
  });
});
