// The server goes away mid-edit: a banner says so, nothing typed is lost (the draft lives in the
// browser, across a reload), and once the server is back the edits save as the flow's draft.
import { beforeAll, describe, expect, test } from 'vitest';
import { saveScreenshot } from '../support/browser.ts';
import { node, notice, waitForEditor } from './editor-page.ts';
import { setUpEditorSession } from './editor-session.ts';

// Wide enough for the whole pipeline at the readable zoom the editor opens a flow at: every node
// is drawn.
const session = setUpEditorSession({
  path: '/#/flows/nl2sql',
  waitForFlow: true,
  viewport: { width: 2800, height: 1000 },
});

// Reloading with unsaved edits asks "leave the page?": the user says yes.
beforeAll(() => {
  session.page.on('dialog', (dialog) => void dialog.accept());
});

describe('an unreachable server', () => {
  test('shows a banner, keeps the edits through a reload, and saves them once the server is back', async () => {
    const { page } = session;
    const cutOff = (route: { abort(code: string): Promise<void> }) => route.abort('connectionrefused');
    await page.route('**/api/**', cutOff);
    await page.route('**/healthz', cutOff);

    await page.getByTestId('flow-name-input').fill('Edited while offline');
    await page.getByTestId('offline-banner').waitFor();
    await page.getByTestId('save-flow').click();
    await expect.poll(() => notice(page, 'save').textContent()).toContain('unreachable');
    await saveScreenshot(page, 'editor-offline');

    await page.reload();
    await waitForEditor(page);
    await node(page, 'answer').waitFor();
    expect(await page.getByTestId('flow-name-input').inputValue()).toBe('Edited while offline');
    await page.getByTestId('offline-banner').waitFor();
    expect(await page.getByTestId('save-state').textContent()).toBe('v1 published · unsaved changes');

    await page.unroute('**/api/**', cutOff);
    await page.unroute('**/healthz', cutOff);
    // The editor reconnects by itself too (every 5 s, and on any answered request), so the banner
    // may go while Retry is being clicked; only a Retry that is still there and fails to click is wrong.
    const retry = page.getByTestId('offline-retry');
    await retry.click({ timeout: 5_000 }).catch(async (error: unknown) => {
      if ((await retry.count()) > 0) throw error;
    });
    await page.getByTestId('offline-banner').waitFor({ state: 'detached' });
    await page.getByTestId('save-flow').click();
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('v1 published · draft saved');
    const { body } = await session.server.api<{ draft: { document: { name: string } } }>(
      'GET',
      '/api/flows/nl2sql',
    );
    expect(body.draft.document.name).toBe('Edited while offline');
  });
});
