// A user rates an answer in the editor (down, with the SQL that would have been right), and a
// reviewer accepts it in the Feedback tab, where it shows as a verified example: in real Chromium
// against `r1flow start` with the demo warehouse and simulated model.
import { describe, expect, test } from 'vitest';
import { saveScreenshot } from '../support/browser.ts';
import { dismissNotices, notice } from './editor-page.ts';
import { setUpEditorSession } from './editor-session.ts';

const QUESTION = 'How many customers do we have?';
const CORRECTED = 'SELECT COUNT(customer_id) FROM customers';
const session = setUpEditorSession({ path: '/#/flows/nl2sql', waitForFlow: true });

describe('feedback on an answer in the editor', () => {
  test('a down-vote with corrected SQL is recorded, then accepted into a verified example', async () => {
    const { page, server } = session;
    await page.getByTestId('tab-run').click();
    await page.getByTestId('run-input-question').fill(QUESTION);
    await page.getByTestId('run-button').click();
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 60_000 })
      .toBe('succeeded');

    await page.getByTestId('feedback-down').click();
    await page.getByTestId('feedback-sql').fill(CORRECTED);
    await page.getByTestId('feedback-comment').fill('prefer counting ids');
    await page.getByTestId('feedback-send').click();
    await expect
      .poll(() => page.getByTestId('feedback-recorded').textContent())
      .toContain('down-vote was recorded');
    const pending = (await server.api<{ feedback: { id: string }[] }>('GET', '/api/feedback?state=pending'))
      .body.feedback;
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ rating: 'down', question: QUESTION, correctedSql: CORRECTED });

    await page.getByTestId('tab-feedback').click();
    const item = page.getByTestId(`feedback-${pending[0]!.id}`);
    await expect.poll(() => item.getByTestId('feedback-corrected').textContent()).toBe(CORRECTED);
    await saveScreenshot(page, 'editor-feedback-review');
    await item.getByTestId('feedback-accept').click();
    await expect.poll(() => notice(page, 'feedback').textContent()).toContain('verified example');
    await item.waitFor({ state: 'detached' });
    const examples = (await server.api<{ examples: { id: string }[] }>('GET', '/api/examples')).body.examples;
    expect(examples).toMatchObject([{ question: QUESTION, sql: CORRECTED }]);
    await expect
      .poll(() => page.getByTestId(`example-${examples[0]!.id}`).textContent())
      .toContain(CORRECTED);
    await dismissNotices(page);
  });
});
