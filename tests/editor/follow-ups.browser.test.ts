// A new user asks the demo flow a question in the Run tab, then a follow-up ("and only for 2023?")
// in the box under the answer, and reads the narrowed answer with the earlier turn above it: in
// real Chromium against `r1flow start` (simulated model server, demo warehouse).
import { describe, expect, test } from 'vitest';
import { saveScreenshot } from '../support/browser.ts';
import { dismissNotices } from './editor-page.ts';
import { setUpEditorSession } from './editor-session.ts';

const session = setUpEditorSession({
  path: '/#/flows/nl2sql',
  waitForFlow: true,
  viewport: { width: 1600, height: 1000 },
});

describe('follow-up questions in the editor', () => {
  test('a question, then a follow-up in the same thread, shows the filtered answer and the earlier turn', async () => {
    const { page, server } = session;
    await page.getByTestId('tab-run').click();
    await page.getByTestId('run-input-question').fill('How many orders were placed?');
    await page.getByTestId('run-button').click();
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 60_000 })
      .toBe('succeeded');
    // A count is one value: shown as a number (with thousands separators), not as a table.
    const cell = page.getByTestId('answer-value').locator('.answer-value-number');
    const count = async () => Number((await cell.textContent())?.replace(/\D/g, ''));
    await expect.poll(() => cell.textContent()).toMatch(/^[\d,]+$/);
    const allOrders = await count();
    expect(await page.getByTestId('thread-turns').count()).toBe(0);

    await page.getByTestId('follow-up-input').fill('and only for 2023?');
    await page.getByTestId('follow-up-button').click();
    await expect
      .poll(() => page.getByTestId('answer-sql').textContent(), { timeout: 60_000 })
      .toContain('2023');
    await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('succeeded');
    await expect.poll(count).toBeGreaterThan(0);
    const orders2023 = await count();
    expect(orders2023).toBeLessThan(allOrders);

    // The earlier turn is shown above the answer, with the SQL chosen for it.
    const turns = page.getByTestId('thread-turn');
    await expect.poll(() => turns.count()).toBe(1);
    expect(await turns.first().textContent()).toContain('How many orders were placed?');
    expect(await turns.first().textContent()).toContain('FROM orders');

    // The history marks the thread: its first run and the follow-up under it.
    const badges = page.getByTestId('run-history').getByTestId('thread-badge');
    await expect.poll(() => badges.allTextContents()).toEqual(['↳ follow-up', 'thread']);

    // The server agrees: the follow-up is the second turn of the first run's thread.
    const { body } = await server.api<{ runs: { id: string; threadId: string | null }[] }>(
      'GET',
      '/api/runs?flow=nl2sql&limit=2',
    );
    const [followUp, first] = body.runs;
    expect(followUp?.threadId).toBe(first?.id);
    expect(first?.threadId).toBe(first?.id);
    await dismissNotices(page);
    await saveScreenshot(page, 'editor-follow-up');
  });
});
