// Users, roles and who started a run, over HTTP on a server that asks for sign-in: bad input
// answers 401/403 with a clear message and changes nothing; a runner sees only its own runs; a
// run records its starter and carries the starter's table access to its nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_FAILURES_PER_MINUTE } from '../../server/http/routes/system-routes.ts';
import { flowOf } from '../support/engine-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';
import { startTestServer } from '../support/server-harness.ts';

let h: ServerHarness;
const key = {} as Record<'ada' | 'eve' | 'rita' | 'rob' | 'vic', string>;
const PASSWORD = 'correct horse battery';
const ACCESS = { connections: { sales: { allowedTables: ['orders'], dbRole: 'analyst' } } };

const flow = flowOf({ a: ['test.access'] }, [], 'who-asks');

beforeAll(async () => {
  h = await startTestServer({ requireKey: true });
  const { users, apiKeys } = h.server.context;
  for (const [name, role] of [
    ['ada', 'admin'],
    ['eve', 'editor'],
    ['rita', 'runner'],
    ['rob', 'runner'],
    ['vic', 'viewer'],
  ] as const) {
    const user = await users.add({ name, role, password: PASSWORD });
    key[name] = (await apiKeys.create(`${name}-key`, user.id)).key;
  }
  await users.update('rita', { access: ACCESS });
  expect((await h.api('/api/flows', { method: 'POST', json: flow, key: key.eve })).status).toBe(201);
});
afterAll(async () => {
  await h.close();
});

const signIn = (name: string, password: string) =>
  h.api('/api/session', { method: 'POST', json: { name, password } });

describe('signing in', () => {
  it('signs a user in by password; the session acts as that user with their role', async () => {
    const login = await signIn('vic', PASSWORD);
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect((await h.api('/api/session', { headers: { cookie } })).body).toMatchObject({
      signedIn: true,
      user: { name: 'vic', role: 'viewer' },
    });
    expect((await h.api('/api/flows', { headers: { cookie } })).status).toBe(200);
    const run = await h.api('/api/flows/who-asks/runs', { method: 'POST', json: {}, headers: { cookie } });
    expect(run.status).toBe(403);
  });

  it('answers a wrong password 401 without saying which part was wrong, then throttles', async () => {
    const wrong = await signIn('vic', 'not the password');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ code: 'LOGIN_FAILED', message: 'wrong user name or password' });
    expect((await signIn('nobody', PASSWORD)).body.error.message).toBe('wrong user name or password');
    expect(JSON.stringify(wrong.body)).not.toContain('not the password');
    let last = wrong;
    for (let i = 0; i < LOGIN_FAILURES_PER_MINUTE; i++) last = await signIn('vic', 'still wrong');
    expect(last.status).toBe(429);
    // Throttled, the right password is refused too: a guesser learns nothing more.
    expect((await signIn('vic', PASSWORD)).status).toBe(429);
  });
});

describe('refusals change nothing', () => {
  it("a disabled user's key and session stop working (403, naming the user)", async () => {
    const { users, apiKeys } = h.server.context;
    const user = await users.add({ name: 'dora', role: 'editor' });
    const doraKey = (await apiKeys.create('dora-key', user.id)).key;
    expect((await h.api('/api/flows', { key: doraKey })).status).toBe(200);
    await users.update('dora', { disabled: true });
    const refused = await h.api('/api/flows', { key: doraKey });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'USER_DISABLED' });
    expect(refused.body.error.message).toContain('"dora" is disabled');
  });

  it('a runner editing a flow is refused and the flow keeps its version', async () => {
    const before = await h.runtime.store.getFlow('who-asks');
    const edit = await h.api('/api/flows/who-asks', { method: 'PUT', json: flow, key: key.rita });
    expect(edit.status).toBe(403);
    expect(edit.body.error).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(edit.body.error.message).toContain('rita (runner) may not change flows');
    expect(await h.runtime.store.getFlow('who-asks')).toEqual(before);
  });

  it('a viewer starting a run is refused and no run is stored', async () => {
    const before = (await h.runtime.store.listRuns({ limit: 500 })).length;
    const start = await h.api('/api/flows/who-asks/runs', { method: 'POST', json: {}, key: key.vic });
    expect(start.status).toBe(403);
    expect(start.body.error.message).toContain('vic (viewer) may not start runs');
    expect((await h.runtime.store.listRuns({ limit: 500 })).length).toBe(before);
  });

  it('every refusal above is in the audit log: who, which route, why; never the password', async () => {
    const { audit } = h.runtime.store;
    const denied = await audit.list({ kind: 'access.denied', limit: 500 });
    const seen = denied.map((entry) => [entry.actor?.name, entry.target, entry.reason?.split(':')[0]]);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['rita', 'PUT /api/flows/:id', 'PERMISSION_DENIED'],
        ['vic', 'POST /api/flows/:id/runs', 'PERMISSION_DENIED'],
      ]),
    );
    // A disabled user's key is refused before it becomes a caller: the entry holds what was presented.
    const disabled = denied.find((entry) => entry.reason?.startsWith('USER_DISABLED'));
    expect(disabled).toMatchObject({ target: 'GET /api/flows', actor: { kind: 'api-key' } });
    expect(disabled!.reason).toContain('"dora" is disabled');
    for (const entry of denied) expect(entry.outcome).toBe('refused');
    const failedSignIns = await audit.list({ kind: 'sign-in.failed', limit: 500 });
    expect(failedSignIns.map((entry) => entry.target)).toEqual(expect.arrayContaining(['vic', 'nobody']));
    expect(failedSignIns[0]!.reason).toMatch(/^LOGIN_FAILED: /);
    const everything = JSON.stringify([...denied, ...failedSignIns]);
    for (const secret of ['not the password', 'still wrong', PASSWORD])
      expect(everything).not.toContain(secret);
  });

  it('an editor may not add a connection (its URL is a secret) and lists them by name only', async () => {
    const add = await h.api('/api/connections', {
      method: 'POST',
      json: { name: 'sales', url: 'postgres://app:s3cret@db.example:5432/sales' },
      key: key.eve,
    });
    expect(add.status).toBe(403);
    expect(add.body.error.message).toContain('eve (editor) may not add or remove connections');
    expect(await h.runtime.store.connections.list()).toEqual([]);
    const added = await h.api('/api/connections', {
      method: 'POST',
      json: { name: 'sales', url: 'postgres://app:s3cret@db.example:5432/sales' },
      key: key.ada,
    });
    expect(added.status).toBe(201);
    const asEditor = await h.api('/api/connections', { key: key.eve });
    expect(asEditor.body.connections).toEqual([expect.objectContaining({ name: 'sales', kind: 'postgres' })]);
    expect(JSON.stringify(asEditor.body)).not.toContain('db.example');
    const asAdmin = await h.api('/api/connections', { key: key.ada });
    expect(asAdmin.body.connections[0].address).toContain('db.example');
    expect(JSON.stringify(asAdmin.body)).not.toContain('s3cret');
  });

  it('the last active admin cannot be removed, disabled or demoted', async () => {
    for (const [method, body] of [
      ['DELETE', undefined],
      ['PATCH', { disabled: true }],
      ['PATCH', { role: 'viewer' }],
    ] as const) {
      const refused = await h.api('/api/users/ada', {
        method,
        ...(body ? { json: body } : {}),
        key: key.ada,
      });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'LAST_ADMIN' });
    }
    expect((await h.api('/api/flows', { key: key.ada })).status).toBe(200);
  });

  it('users and keys are managed by admins only', async () => {
    const add = await h.api('/api/users', {
      method: 'POST',
      json: { name: 'mallory', role: 'admin' },
      key: key.eve,
    });
    expect(add.status).toBe(403);
    expect(await h.server.context.users.count()).toBe(6);
    const created = await h.api('/api/users', {
      method: 'POST',
      json: { name: 'walt', role: 'runner' },
      key: key.ada,
    });
    expect(created.status).toBe(201);
    const made = await h.api('/api/keys', {
      method: 'POST',
      json: { name: 'walt-ci', user: 'walt' },
      key: key.ada,
    });
    expect(made.status).toBe(201);
    expect((await h.api('/api/flows', { key: made.body.key })).status).toBe(200);
    expect((await h.api('/api/users/walt', { method: 'DELETE', key: key.ada })).status).toBe(204);
    // Removing a user removes their keys.
    expect((await h.api('/api/flows', { key: made.body.key })).status).toBe(403);
    // Each change is in the audit log, by the admin, naming the user or key and never the key.
    const entries = (await h.runtime.store.audit.list({ limit: 500 })).filter(
      (entry) => entry.actor?.name === 'ada' && /^(user|key)\./.test(entry.kind),
    );
    // The newest three; the refused removal and demotions of the last admin come before them.
    const changes = entries
      .slice(0, 3)
      .map((entry) => [entry.kind, entry.target, entry.outcome])
      .reverse();
    expect(changes).toEqual([
      ['user.add', 'walt', 'ok'],
      ['key.create', null, 'ok'],
      ['user.remove', 'walt', 'ok'],
    ]);
    expect(JSON.stringify(entries)).not.toContain(made.body.key);
    expect(entries.find((entry) => entry.kind === 'key.create')?.detail).toMatchObject({
      id: made.body.info.id,
      name: 'walt-ci',
      user: 'walt',
    });
  });

  it('limits a user in every warehouse with `default` alone; an unknown field is a 400 naming it', async () => {
    const limit = (access: unknown) =>
      h.api('/api/users/rob', { method: 'PATCH', json: { access }, key: key.ada });
    const limited = await limit({ default: { allowedTables: ['orders'] } });
    expect(limited.status).toBe(200);
    expect(limited.body.user.access).toEqual({ connections: {}, default: { allowedTables: ['orders'] } });
    const typo = await limit({ default: { allowedTable: ['orders'] } });
    expect(typo.status).toBe(400);
    expect(typo.body.error.message).toContain('allowedTable');
    expect((await limit(null)).body.user.access).toBeNull();
    const password = await h.api('/api/users/rob', {
      method: 'PATCH',
      json: { password: 'a brand new password' },
      key: key.ada,
    });
    expect(password.status).toBe(200);
    // The misspelt access never reached the user (a 400 from the route's schema), so no entry.
    const updates = (await h.runtime.store.audit.list({ kind: 'user.update', limit: 500 })).filter(
      (entry) => entry.target === 'rob',
    );
    expect(updates.map((entry) => [entry.actor?.name, entry.outcome, entry.detail]).reverse()).toEqual([
      ['ada', 'ok', { access: { connections: {}, default: { allowedTables: ['orders'] } } }],
      ['ada', 'ok', { access: null }],
      ['ada', 'ok', { password: 'changed' }],
    ]);
    expect(JSON.stringify(updates)).not.toContain('a brand new password');
  });
});

describe("a role's table limits in a project", () => {
  it("apply on top of the user's own: a run carries only the tables both allow", async () => {
    const { users, apiKeys } = h.server.context;
    const rosa = await users.add({ name: 'rosa', role: 'runner' });
    const rosaKey = (await apiKeys.create('rosa-key', rosa.id)).key;
    await users.update('rosa', {
      access: { connections: { sales: { allowedTables: ['orders', 'customers'], dbRole: 'analyst' } } },
    });
    const limited = await h.api('/api/users/rosa', {
      method: 'PATCH',
      json: { project: 'default', roleAccess: { connections: {}, default: { allowedTables: ['orders'] } } },
      key: key.ada,
    });
    expect(limited.status).toBe(200);
    expect(limited.body.user.roleAccess).toEqual({
      default: { connections: {}, default: { allowedTables: ['orders'] } },
    });
    const started = await h.api('/api/flows/who-asks/runs?wait=10s', {
      method: 'POST',
      json: {},
      key: rosaKey,
    });
    expect(started.body.run.access).toEqual({
      connections: { sales: { allowedTables: ['orders'], dbRole: 'analyst' } },
      default: { allowedTables: ['orders'] },
    });
    const noRole = await h.api('/api/users/rosa', {
      method: 'PATCH',
      json: { project: 'hr', roleAccess: { connections: {} } },
      key: key.ada,
    });
    expect(noRole.status).toBe(400);
    expect(noRole.body.error.message).toBe(
      '"rosa" has no role in project "hr" to limit; give them one first',
    );
  });
});

describe('who asked is part of the run', () => {
  it("records the starter, hands the starter's access to the nodes, and shows runners only their own runs", async () => {
    const started = await h.api('/api/flows/who-asks/runs?wait=10s', {
      method: 'POST',
      json: {},
      key: key.rita,
    });
    expect(started.status).toBe(200);
    const run = started.body.run;
    expect(run.startedBy).toMatchObject({ kind: 'api-key', name: 'rita' });
    expect(run.access).toEqual(ACCESS);
    const detail = await h.api(`/api/runs/${run.id}`, { key: key.rita });
    expect(detail.body.nodes[0].output.out).toEqual({ access: ACCESS });

    const other = await h.api('/api/flows/who-asks/runs?wait=10s', {
      method: 'POST',
      json: {},
      key: key.rob,
    });
    expect(other.body.run.access).toBeNull();
    const robsList = await h.api('/api/runs', { key: key.rob });
    expect(robsList.body.runs.map((r: { id: string }) => r.id)).toEqual([other.body.run.id]);
    expect((await h.api(`/api/runs/${run.id}`, { key: key.rob })).status).toBe(404);
    expect((await h.api(`/api/runs/${run.id}/cancel`, { method: 'POST', key: key.rob })).status).toBe(404);
    // A viewer reads every run.
    const all = await h.api('/api/runs', { key: key.vic });
    expect(all.body.runs.map((r: { id: string }) => r.id)).toEqual(
      expect.arrayContaining([run.id, other.body.run.id]),
    );
  });
});
