// The Audit page in real Chromium against `r1flow start` (demo warehouse, simulated model): a
// question asked through the API leaves its SQL in the log, a flow switched off and on leaves
// two entries, and the page lists them, filters by kind, run and outcome, and links the CSV of
// what it shows.
import { describe, expect, test } from 'vitest';
import { saveScreenshot } from '../support/browser.ts';
import { setUpEditorSession } from './editor-session.ts';

const session = setUpEditorSession({ path: '/' });

describe('the Audit page', () => {
  test('lists the SQL a run executed and flow changes, filtered, with a CSV link', async () => {
    const { page, server } = session;
    const asked = await server.api<{ run: { id: string; status: string } }>(
      'POST',
      '/api/flows/nl2sql/runs?wait=60s',
      { input: { question: 'How many customers are there in each region?' } },
    );
    expect(asked.body.run.status).toBe('succeeded');
    const runId = asked.body.run.id;
    expect((await server.api('PATCH', '/api/flows/nl2sql', { enabled: false })).status).toBe(200);
    expect((await server.api('PATCH', '/api/flows/nl2sql', { enabled: true })).status).toBe(200);

    await page.getByTestId('open-audit').click();
    await page.getByTestId('audit-table').waitFor();
    const rows = page.getByTestId('audit-entry');
    await expect.poll(() => rows.first().getAttribute('data-kind')).toBe('flow.enable');
    expect(await rows.nth(1).getAttribute('data-kind')).toBe('flow.disable');

    await page.getByTestId('audit-kind').selectOption('sql');
    await page.getByTestId('audit-run').fill(runId);
    await expect.poll(async () => (await rows.first().getAttribute('data-kind')) ?? '').toBe('sql');
    const kinds = await rows.evaluateAll((elements) => elements.map((e) => e.getAttribute('data-kind')));
    expect(new Set(kinds)).toEqual(new Set(['sql']));
    expect(await page.getByTestId('audit-table').textContent()).toContain(`run ${runId}`);
    expect(await page.getByTestId('audit-table').textContent()).toMatch(/SELECT/i);
    await saveScreenshot(page, 'editor-audit');

    await page.getByTestId('audit-outcome').selectOption('refused');
    await page.getByTestId('audit-empty').waitFor();

    const href = await page.getByTestId('audit-csv').getAttribute('href');
    expect(href).toBe(`/api/audit.csv?kind=sql&run=${runId}&outcome=refused`);
    await page.getByTestId('audit-outcome').selectOption('');
    const csv = await page.evaluate(
      async (url) => (await fetch(url)).text(),
      `/api/audit.csv?kind=sql&run=${runId}`,
    );
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^seq,at,kind,/);
    expect(lines.length).toBe(kinds.length + 1);

    await page.getByTestId('audit-close').click();
    await page.getByTestId('audit-page').waitFor({ state: 'detached' });
  });
});
