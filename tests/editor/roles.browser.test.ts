// The editor offers only what the signed-in user's role allows, in real Chromium against
// `r1flow start`: the local operator may do everything; a runner signed in by password gets no
// Save, Publish, Delete or node editing but may run; a viewer may not run either. The server
// refuses all of it anyway (tests/security/route-permissions.test.ts); the editor just stops
// offering it.
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { saveScreenshot } from '../support/browser.ts';
import { selectNode, waitForCanvas } from './editor-page.ts';
import { setUpEditorSession } from './editor-session.ts';

const session = setUpEditorSession({ path: '/#/flows/nl2sql', waitForFlow: true });
const PASSWORD = 'a long enough password';

async function signInAs(page: Page, name: string): Promise<void> {
  const status = await page.evaluate(
    async (body) =>
      (
        await fetch('/api/session', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).status,
    { name, password: PASSWORD },
  );
  expect(status).toBe(200);
  await page.reload();
  await waitForCanvas(page);
}

const isDisabled = (page: Page, testId: string) => page.getByTestId(testId).isDisabled();

describe('buttons follow the role', () => {
  test('the local operator may save, publish, delete, edit nodes and run', async () => {
    const { page, server } = session;
    for (const [name, role] of [
      ['rita', 'runner'],
      ['vic', 'viewer'],
    ]) {
      expect((await server.api('POST', '/api/users', { name, role, password: PASSWORD })).status).toBe(201);
    }
    for (const id of ['save-flow', 'publish-flow', 'delete-flow', 'new-flow']) {
      expect(await isDisabled(page, id), id).toBe(false);
    }
    await selectNode(page, 'generate');
    expect(await page.getByTestId('node-id-input').isEditable()).toBe(true);
    await page.getByTestId('tab-run').click();
    await page.getByTestId('run-button').waitFor();
  });

  test('a runner gets no Save, Publish, Delete or node editing, and may run', async () => {
    const { page } = session;
    await signInAs(page, 'rita');
    for (const id of ['save-flow', 'publish-flow', 'delete-flow', 'new-flow', 'auto-layout', 'import-flow']) {
      expect(await isDisabled(page, id), id).toBe(true);
    }
    expect(await page.getByTestId('save-flow').getAttribute('title')).toBe(
      'Your role (runner) here may not change flows',
    );
    expect(await isDisabled(page, 'palette-item-sql.execute@1')).toBe(true);
    await selectNode(page, 'generate');
    expect(await page.getByTestId('inspector-fields').getAttribute('disabled')).not.toBeNull();
    expect(await page.getByTestId('node-id-input').isEditable()).toBe(false);
    await page.getByTestId('tab-run').click();
    await page.getByTestId('run-button').waitFor();
    expect(await page.getByTestId('run-refused').count()).toBe(0);
    await saveScreenshot(page, 'editor-runner');
  });

  test('a viewer may not run either', async () => {
    const { page } = session;
    await signInAs(page, 'vic');
    expect(await isDisabled(page, 'save-flow')).toBe(true);
    await page.getByTestId('tab-run').click();
    await expect
      .poll(() => page.getByTestId('run-refused').textContent())
      .toBe("Your role (viewer) in this flow's project may not start runs.");
    expect(await page.getByTestId('run-button').count()).toBe(0);
  });
});
