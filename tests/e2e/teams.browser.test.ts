// Issue #16's "done when", as a new team takes it, in real Chromium against `r1flow start
// --require-key` (simulated model server, demo warehouse): the first admin (password from
// R1FLOW_ADMIN_PASSWORD) adds a runner limited to `orders`; she signs in through the editor's
// sign-in form, asks one question that needs only `orders` (rows) and one that reads `customers`
// (refused, no customer rows anywhere), then asks once through the API with her own key; the
// admin reads every SQL her runs executed in `GET /api/audit` and on the editor's Audit page,
// and she gets 403 there.
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  type BrowserSession,
  type EditorServer,
  ensureEditorBuilt,
  openBrowser,
  saveScreenshot,
  startEditorServer,
} from '../support/browser.ts';

const ADMIN_PASSWORD = 'admin-password-for-tests';
const RITA_PASSWORD = 'rita-password-for-tests';
const ORDERS_QUESTION = 'How many orders were cancelled?';
const CUSTOMERS_QUESTION = 'List the names of customers located in Boston.';
const API_QUESTION = 'How many orders are still pending?';

interface AuditEntry {
  kind: string;
  actor: { kind: string; id: string; name: string } | null;
  outcome: string;
  reason: string | null;
  runId: string | null;
  target: string | null;
  sql: { sql: string; warehouse: string; rows: number | null } | null;
}
interface Run {
  id: string;
  status: string;
  startedBy: { kind: string; name: string } | null;
}

vi.setConfig({ expect: { poll: { timeout: 15_000 } } });
let server: EditorServer;
const browsers: BrowserSession[] = [];
let adminCookie = '';

/** An HTTP call as a caller: a session cookie, an API key, or nothing. */
async function call<T>(
  method: string,
  path: string,
  as: { cookie?: string; key?: string } = {},
  body?: unknown,
): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (as.cookie) headers.cookie = as.cookie;
  if (as.key) headers.authorization = `Bearer ${as.key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers };
}

async function signInCookie(name: string, password: string): Promise<string> {
  const answer = await call('POST', '/api/session', {}, { name, password });
  expect(answer.status).toBe(200);
  return /^[^;]+/.exec(answer.headers.get('set-cookie') ?? '')![0];
}

/** Opens the editor, which asks for sign-in, and signs in through its form. */
async function signInThroughEditor(name: string, password: string): Promise<Page> {
  const browser = await openBrowser(`${server.url}/#/flows/nl2sql`, { width: 1600, height: 1000 });
  browsers.push(browser);
  const { page } = browser;
  await page.getByTestId('sign-in').waitFor({ timeout: 30_000 });
  await page.getByTestId('sign-in-name').fill(name);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in').getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('sign-in').waitFor({ state: 'detached' });
  await page.locator('[data-testid="app"][data-started="true"]').waitFor({ timeout: 30_000 });
  return page;
}

/** Asks the open flow a question in the Run tab; the run's id once it has ended. */
async function askInEditor(page: Page, question: string): Promise<string> {
  await page.getByTestId('tab-run').click();
  await page.getByTestId('run-input-question').fill(question);
  await page.getByTestId('run-button').click();
  await expect
    .poll(() => page.getByTestId('run-status').textContent(), { timeout: 60_000 })
    .toMatch(/^(succeeded|failed)$/);
  const runs = await call<{ runs: Run[] }>('GET', '/api/runs?flow=nl2sql&limit=1', { cookie: adminCookie });
  return runs.body.runs[0]!.id;
}

/** The names of the demo warehouse's customers in Boston, straight from its file. */
function bostonCustomerNames(warehouse: string): string[] {
  const db = new Database(warehouse, { readonly: true });
  try {
    const rows = db.prepare("SELECT name FROM customers WHERE city = 'Boston'").all() as { name: string }[];
    return rows.map((row) => row.name);
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  ensureEditorBuilt();
  server = await startEditorServer({
    args: ['--require-key'],
    env: { R1FLOW_ADMIN_PASSWORD: ADMIN_PASSWORD },
  });
  adminCookie = await signInCookie('admin', ADMIN_PASSWORD);
});

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') {
    for (const [index, browser] of browsers.entries()) {
      await saveScreenshot(browser.page, `failed-teams-${index}`);
    }
  }
});

afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await server?.close();
});

describe('a runner limited to orders, and the audit log an admin reads', () => {
  test('rita asks through the editor and the API, sees only orders, and the admin reads every SQL', async () => {
    // The server asks for credentials; the first admin's password came from the environment.
    expect((await call('GET', '/api/flows')).status).toBe(401);

    // The admin adds rita as a runner limited to `orders` in any warehouse (the demo's is a file,
    // so `default` is the entry that applies).
    const added = await call(
      'POST',
      '/api/users',
      { cookie: adminCookie },
      {
        name: 'rita',
        role: 'runner',
        password: RITA_PASSWORD,
      },
    );
    expect(added.status).toBe(201);
    const limited = await call<{ user: { access: unknown } }>(
      'PATCH',
      '/api/users/rita',
      { cookie: adminCookie },
      {
        access: { default: { allowedTables: ['orders'] } },
      },
    );
    expect(limited.status).toBe(200);
    expect(limited.body.user.access).toEqual({ connections: {}, default: { allowedTables: ['orders'] } });

    // Rita signs in through the editor's form and asks a question that needs only `orders`.
    const page = await signInThroughEditor('rita', RITA_PASSWORD);
    const session = await page.evaluate(async () => (await fetch('/api/session')).json());
    expect(session).toMatchObject({ signedIn: true, user: { name: 'rita', role: 'runner' } });
    const ordersRun = await askInEditor(page, ORDERS_QUESTION);
    expect(await page.getByTestId('run-status').textContent()).toBe('succeeded');
    await expect.poll(() => page.getByTestId('answer-value').textContent()).toMatch(/\d/);
    expect(await page.getByTestId('answer-sql').textContent()).toMatch(/FROM orders/i);

    // Then one that reads `customers`: refused by name, and no customer's name anywhere.
    const customersRun = await askInEditor(page, CUSTOMERS_QUESTION);
    const refusal =
      /refused: the query reads (table )?customers, which is not among the allowed tables \(orders\)/;
    await expect.poll(() => page.getByTestId('run-panel').textContent()).toMatch(refusal);
    await saveScreenshot(page, 'teams-runner-refused');
    const detail = await call<{ run: Run }>('GET', `/api/runs/${customersRun}`, { cookie: adminCookie });
    expect(detail.body.run.startedBy).toMatchObject({ kind: 'user', name: 'rita' });
    const warehouse = await demoWarehouse(customersRun);
    const names = bostonCustomerNames(warehouse);
    expect(names.length).toBeGreaterThan(0);
    const everything = JSON.stringify(
      (await call('GET', `/api/runs/${customersRun}`, { cookie: adminCookie })).body,
    );
    const pageText = (await page.locator('body').textContent()) ?? '';
    for (const name of names) {
      expect(everything).not.toContain(name);
      expect(pageText).not.toContain(name);
    }

    // The admin gives rita a key; she asks once through the plain API with it.
    const made = await call<{ key: string }>(
      'POST',
      '/api/keys',
      { cookie: adminCookie },
      {
        name: 'rita-laptop',
        user: 'rita',
      },
    );
    expect(made.status).toBe(201);
    const ritaKey = made.body.key;
    const asked = await call<{ run: Run }>(
      'POST',
      '/api/flows/nl2sql/runs?wait=60s',
      { key: ritaKey },
      {
        input: { question: API_QUESTION },
      },
    );
    expect(asked.status).toBe(200);
    expect(asked.body.run.status).toBe('succeeded');
    expect(asked.body.run.startedBy).toMatchObject({ kind: 'api-key', name: 'rita' });
    const apiRun = asked.body.run.id;

    // Rita may not read the audit log, with her key or her editor session.
    const refused = await call<{ error: { code: string; message: string } }>('GET', '/api/audit', {
      key: ritaKey,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('PERMISSION_DENIED');
    expect(refused.body.error.message).toContain('rita (runner)');
    expect(await page.evaluate(async () => (await fetch('/api/audit')).status)).toBe(403);
    // In the editor she is told so, and stays signed in (no sign-in form over the page).
    await page.getByTestId('open-audit').click();
    await expect
      .poll(() => page.getByTestId('audit-error').textContent())
      .toContain('rita (runner) may not read the audit log');
    expect(await page.getByTestId('sign-in').count()).toBe(0);
    await page.getByTestId('audit-close').click();

    // The admin reads every SQL rita's three runs executed, with rita as the actor.
    const audit = await call<{ entries: AuditEntry[] }>('GET', '/api/audit?kind=sql&limit=500', {
      cookie: adminCookie,
    });
    expect(audit.status).toBe(200);
    const ritaRuns = [ordersRun, customersRun, apiRun];
    for (const runId of ritaRuns) {
      const entries = audit.body.entries.filter((entry) => entry.runId === runId);
      expect(entries.length, `SQL entries of run ${runId}`).toBeGreaterThan(0);
      for (const entry of entries) expect(entry.actor?.name).toBe('rita');
      expect(new Set(entries.map((entry) => entry.sql?.sql))).toEqual(new Set(await executedSql(runId)));
    }
    const ordersEntries = audit.body.entries.filter((entry) => entry.runId === ordersRun);
    expect(ordersEntries.some((entry) => entry.outcome === 'ok')).toBe(true);
    const customersEntries = audit.body.entries.filter((entry) => entry.runId === customersRun);
    const refusedEntries = customersEntries.filter((entry) => entry.outcome === 'refused');
    expect(refusedEntries.length).toBeGreaterThan(0);
    for (const entry of refusedEntries) {
      expect(entry.reason).toMatch(
        /^SQL_TABLE_FORBIDDEN: the query reads (table )?customers, which is not among the allowed tables \(orders\)$/,
      );
    }
    expect(
      customersEntries.every((entry) => entry.outcome !== 'ok' || !/customers/i.test(entry.sql!.sql)),
    ).toBe(true);
    // Her refused request is in the log too.
    const denied = await call<{ entries: AuditEntry[] }>('GET', '/api/audit?kind=access.denied', {
      cookie: adminCookie,
    });
    expect(
      denied.body.entries.some((entry) => entry.actor?.name === 'rita' && entry.target === 'GET /api/audit'),
    ).toBe(true);

    // And how rita came to be: the first start made the admin, who added rita, limited her and
    // gave her a key; never a password or key.
    const setUp = await call<{ entries: AuditEntry[] }>('GET', '/api/audit?limit=500', {
      cookie: adminCookie,
    });
    const changes = setUp.body.entries
      .filter((entry) => /^(user|key)\./.test(entry.kind))
      .map((entry) => [entry.kind, entry.actor?.name, entry.target, entry.outcome]);
    expect(changes.reverse()).toEqual([
      ['user.add', 'first start', 'admin', 'ok'],
      ['user.add', 'admin', 'rita', 'ok'],
      ['user.update', 'admin', 'rita', 'ok'],
      ['key.create', 'admin', null, 'ok'],
    ]);
    expect(JSON.stringify(setUp.body)).not.toContain(RITA_PASSWORD);
    expect(JSON.stringify(setUp.body)).not.toContain(ADMIN_PASSWORD);
    expect(JSON.stringify(setUp.body)).not.toContain(ritaKey);

    // The admin signs in to the editor too and finds the refusal on the Audit page.
    const adminPage = await signInThroughEditor('admin', ADMIN_PASSWORD);
    await adminPage.getByTestId('open-audit').click();
    await adminPage.getByTestId('audit-table').waitFor();
    await adminPage.getByTestId('audit-kind').selectOption('sql');
    await adminPage.getByTestId('audit-run').fill(customersRun);
    const rows = adminPage.getByTestId('audit-entry');
    await expect.poll(() => rows.count()).toBe(customersEntries.length);
    const table = (await adminPage.getByTestId('audit-table').textContent()) ?? '';
    expect(table).toContain('rita (user)');
    expect(table).toContain('SQL_TABLE_FORBIDDEN');
    expect(table).toContain(`run ${customersRun}`);
    await adminPage.getByTestId('audit-run').fill(apiRun);
    await expect
      .poll(async () => (await adminPage.getByTestId('audit-table').textContent()) ?? '')
      .toContain('rita (api-key)');
    await saveScreenshot(adminPage, 'teams-admin-audit');
  });
});

/** The warehouse the run's SQL went to, as its audit entries name it. */
async function demoWarehouse(runId: string): Promise<string> {
  const audit = await call<{ entries: AuditEntry[] }>('GET', `/api/audit?kind=sql&run=${runId}`, {
    cookie: adminCookie,
  });
  return audit.body.entries[0]!.sql!.warehouse;
}

/** Every distinct SQL in the run's record (the candidates execute and correct ran, and the answer's). */
async function executedSql(runId: string): Promise<string[]> {
  const { body } = await call<unknown>('GET', `/api/runs/${runId}`, { cookie: adminCookie });
  return [...new Set(findSql(body))];
}

function findSql(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(findSql);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) =>
      key === 'sql' && typeof inner === 'string' ? [inner] : findSql(inner),
    );
  }
  return [];
}
