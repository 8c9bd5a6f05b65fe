// The Connections page in real Chromium against `r1flow start` and a throwaway PostgreSQL: add a
// connection (the URL typed into a password field), test it, add one with a wrong password whose
// test names the connection and not the password, and delete one after confirming.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { saveScreenshot } from '../support/browser.ts';
import { type PostgresServer, startPostgresServer } from '../support/postgres-server.ts';
import { setUpEditorSession } from './editor-session.ts';

const session = setUpEditorSession({ path: '/' });
let postgres: PostgresServer;
const WRONG_PASSWORD = 'Wrong-Pw-from-the-browser-9';

beforeAll(async () => {
  postgres = await startPostgresServer();
});
afterAll(async () => {
  await postgres?.close();
});

async function addConnection(name: string, url: string): Promise<void> {
  const { page } = session;
  await page.getByTestId('connection-name').fill(name);
  await page.getByTestId('connection-url').fill(url);
  await page.getByTestId('connection-add').click();
  await page.getByTestId(`connection-${name}`).waitFor();
}

describe('the Connections page', () => {
  test('adds, tests and deletes connections without ever showing a password', async () => {
    const { page } = session;
    await page.getByTestId('open-connections').click();
    await page.getByTestId('connections-page').waitFor();
    expect(await page.getByTestId('connection-url').getAttribute('type')).toBe('password');

    await addConnection('sales', postgres.url);
    const sales = page.getByTestId('connection-sales');
    expect(await sales.textContent()).toMatch(
      /salespostgrespostgres:\/\/r1flow@127\.0\.0\.1:\d+\/postgresnever tested/,
    );
    expect(await page.getByTestId('connection-url').inputValue()).toBe('');
    await sales.getByTestId('connection-test').click();
    await expect
      .poll(() => sales.getByTestId('connection-test-result').textContent())
      .toBe('ok: connected; SELECT 1 answered');

    await addConnection(
      'sales_wrong',
      postgres.urlFor('postgres', { name: 'r1flow', password: WRONG_PASSWORD }),
    );
    const wrong = page.getByTestId('connection-sales_wrong');
    await wrong.getByTestId('connection-test').click();
    await expect
      .poll(() => wrong.getByTestId('connection-test-result').textContent())
      .toContain('connection "sales_wrong" (postgres) failed: password authentication failed');
    expect(await wrong.getByTestId('connection-test-result').textContent()).not.toMatch(/^ok/);
    await saveScreenshot(page, 'editor-connections');

    // A name already taken is refused in the form.
    await page.getByTestId('connection-name').fill('sales');
    await page.getByTestId('connection-url').fill('postgres://someone@127.0.0.1/other');
    await page.getByTestId('connection-add').click();
    await expect
      .poll(() => page.getByTestId('connection-form-error').textContent())
      .toContain('connection "sales" exists');

    await wrong.getByTestId('connection-delete').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await page.getByTestId('confirm-ok').click();
    await wrong.waitFor({ state: 'detached' });
    const { body } = await session.server.api<{ connections: { name: string }[] }>('GET', '/api/connections');
    expect(body.connections.map((c) => c.name)).toEqual(['sales']);

    const html = await page.content();
    expect(html).not.toContain(postgres.password);
    expect(html).not.toContain(WRONG_PASSWORD);
    await page.getByTestId('connections-close').click();
    await page.getByTestId('connections-page').waitFor({ state: 'detached' });
  });
});
