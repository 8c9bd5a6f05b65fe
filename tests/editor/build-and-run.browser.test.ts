// A new user builds SQL-R1's pipeline from an empty canvas, runs a demo question against the demo
// warehouse (simulated model server), and reads the answer: in real Chromium against `r1flow start`.
import { describe, expect, test } from 'vitest';
import { saveScreenshot } from '../support/browser.ts';
import {
  connectPorts,
  dismissNotices,
  dragFromPalette,
  edgeCount,
  field,
  node,
  notice,
  selectNode,
} from './editor-page.ts';
import { setUpEditorSession } from './editor-session.ts';

const QUESTION = 'How many customers are there in each region?';
const session = setUpEditorSession({ viewport: { width: 1800, height: 1050 } });

describe('building and running the NL2SQL flow in the editor', () => {
  test('the pipeline is built from an empty canvas by dragging node types and connecting ports', async () => {
    const { page } = session;
    await page.getByTestId('new-flow').click();
    await page.getByTestId('new-flow-id').fill('my-nl2sql');
    await page.getByTestId('new-flow-name').fill('My NL2SQL');
    await page.getByTestId('new-flow-create').click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(0);

    await dragFromPalette(page, 'trigger.manual@1', 30, 40);
    await dragFromPalette(page, 'schema.retrieve@1', 420, 40);
    await dragFromPalette(page, 'llm.generate@1', 810, 40);
    await dragFromPalette(page, 'sql.execute@1', 30, 420);
    await dragFromPalette(page, 'sql.vote@1', 420, 420);
    await dragFromPalette(page, 'output.answer@1', 810, 420);
    for (const id of ['manual', 'retrieve', 'generate', 'execute', 'vote', 'answer']) {
      await node(page, id).waitFor();
    }

    // A new manual trigger starts with a `question` text field, already an output port.
    await selectNode(page, 'manual');
    expect(await field(page, 'params.fields[0].name').inputValue()).toBe('question');
    await page.getByTestId('port-out-manual-question').waitFor();

    const wiring = [
      ['manual.question', 'retrieve.question'],
      ['manual.question', 'generate.question'],
      ['retrieve.schema', 'generate.schema'],
      ['generate.candidates', 'execute.candidates'],
      ['retrieve.schema', 'execute.schema'],
      ['execute.results', 'vote.results'],
      ['manual.question', 'answer.question'],
      ['vote.sql', 'answer.sql'],
      ['vote.rows', 'answer.rows'],
      ['vote.confidence', 'answer.confidence'],
      ['vote.clusters', 'answer.clusters'],
      ['vote.abstained', 'answer.abstained'],
    ] as const;
    for (const [index, [from, to]] of wiring.entries()) {
      await connectPorts(page, from, to);
      await expect.poll(() => edgeCount(page), { message: `${from} → ${to}` }).toBe(index + 1);
    }
    await page.getByTestId('tab-node').click();
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await expect.poll(() => page.getByTestId('flow-problems').textContent()).toContain('None');
    await saveScreenshot(page, 'editor-built-flow');
  });

  test('a connection between ports of different types is refused, with the reason shown', async () => {
    const { page } = session;
    const before = await edgeCount(page);
    await connectPorts(page, 'generate.prompt', 'answer.reason');
    await connectPorts(page, 'retrieve.schema', 'answer.candidates');
    await expect
      .poll(() => notice(page, 'connection').textContent())
      .toContain('retrieve.schema gives "schema" but answer.candidates takes "sql-candidates"');
    await expect.poll(() => edgeCount(page)).toBe(before + 1);
    await page.getByTestId('undo').click();
    await expect.poll(() => edgeCount(page)).toBe(before);
  });

  test('a parameter out of bounds shows a plain sentence naming the field, at the field and on the node', async () => {
    const { page } = session;
    await selectNode(page, 'generate');
    await field(page, 'params.n').fill('0');
    const issue = page.locator('[data-field="params.n"] [data-testid="field-issue"]');
    await expect.poll(() => issue.textContent()).toContain('"n" must be at least 1');
    await expect
      .poll(() => page.getByTestId('node-issues-generate').textContent())
      .toContain('must be at least 1');
    await saveScreenshot(page, 'editor-validation');
    await field(page, 'params.n').fill('8');
    await page.getByTestId('node-issues-generate').waitFor({ state: 'detached' });
  });

  test('a saved flow runs a demo question: live node states, then rows, SQL and confidence', async () => {
    const { page } = session;
    await page.getByTestId('save-flow').click();
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('v1 · saved');

    // Record every state each node shows, to see them change live rather than only the end state.
    await page.evaluate(() => {
      const seen: Record<string, string[]> = {};
      (window as unknown as { seenStates: typeof seen }).seenStates = seen;
      const record = () => {
        for (const element of document.querySelectorAll<HTMLElement>('[data-run-status]')) {
          const id = element.dataset.testid!.replace('flow-node-', '');
          const status = element.dataset.runStatus!;
          const list = seen[id] ?? [];
          if (list.at(-1) !== status) seen[id] = [...list, status];
        }
      };
      new MutationObserver(record).observe(document.body, {
        subtree: true,
        attributes: true,
        attributeFilter: ['data-run-status'],
        childList: true,
      });
    });
    await page.getByTestId('tab-run').click();
    await page.getByTestId('run-input-question').fill(QUESTION);
    await page.getByTestId('run-button').click();

    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 60_000 })
      .toBe('succeeded');
    const seen = await page.evaluate(
      () => (window as unknown as { seenStates: Record<string, string[]> }).seenStates,
    );
    for (const id of ['manual', 'retrieve', 'generate', 'execute', 'vote', 'answer']) {
      expect(seen[id]?.at(-1), id).toBe('succeeded');
    }
    expect(Object.values(seen).some((states) => states.includes('running'))).toBe(true);
    await expect
      .poll(() => node(page, 'execute').getByTestId('node-run-state').textContent())
      .toMatch(/succeeded\d/);

    const table = page.getByTestId('answer-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThan(1);
    expect(await page.getByTestId('answer-sql').textContent()).toMatch(/SELECT[\s\S]*GROUP BY/i);
    expect(await page.getByTestId('answer-confidence').textContent()).toMatch(/Confidence \d+%/);
    await page.getByTestId('answer-chart').waitFor();

    // Sorting by the count column puts the largest region last.
    await page.getByTestId('sort-1').click();
    const counts = await table.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(counts.map(Number)).toEqual([...counts.map(Number)].sort((a, b) => a - b));
    await dismissNotices(page);
    await saveScreenshot(page, 'editor-run-answer');
  });

  test('the vote node shows its clusters of candidates with their vote counts', async () => {
    const { page } = session;
    await selectNode(page, 'vote');
    const clusters = page.getByTestId('node-run-details').getByTestId('vote-clusters');
    await clusters.waitFor();
    const votes = await clusters.getByTestId('cluster-votes').allTextContents();
    expect(votes.length).toBeGreaterThan(0);
    const total = votes.reduce((sum, text) => sum + Number.parseInt(text, 10), 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(8);
    await clusters.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'editor-vote-clusters');
  });

  test('re-running from the vote node reuses the upstream outputs', async () => {
    const { page } = session;
    await page.getByTestId('rerun-from-node').click();
    await page.getByTestId('tab-run').click();
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 60_000 })
      .toBe('succeeded');
    await expect
      .poll(() => node(page, 'generate').getByTestId('node-run-state').textContent())
      .toContain('reused');
    await expect.poll(() => page.getByTestId('run-history').locator('li').count()).toBe(2);
  });
});
