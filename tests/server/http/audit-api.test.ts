// The audit log over HTTP: the server records flow, trigger and connection operations with the
// key (or editor session) that asked, never a secret; GET /api/audit filters and pages them,
// /api/audit.csv downloads them with formula cells defused, and both need the API key.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqlDraft } from '../../engine/audit-store-contract.ts';
import { flowOf } from '../../support/engine-harness.ts';
import type { ServerHarness } from '../../support/server-harness.ts';
import { startTestServer } from '../../support/server-harness.ts';

const PASSWORD = 'Pa55-audit-secret';

let h: ServerHarness;
let key: string;
let keyId: string;
beforeEach(async () => {
  h = await startTestServer({ requireKey: true });
  const created = await h.server.context.apiKeys.create('auditor');
  key = created.key;
  keyId = created.info.id;
});
afterEach(async () => {
  await h.close();
});

const hookFlow = (id: string) =>
  flowOf(
    {
      hook: ['trigger.webhook', { path: `p-${id}`, fields: [{ name: 'question' }] }],
      s: ['test.step'],
      out: ['output.answer'],
    },
    ['hook.payload->s.in', 's.out->out.value'],
    id,
  );

describe('the audit log API', () => {
  it('records flow, trigger and connection operations with the key that asked, and no secret', async () => {
    const created = await h.api('/api/flows', { method: 'POST', json: hookFlow('audited'), key });
    expect(created.status).toBe(201);
    const hookSecret = created.body.newSecrets[0].secret as string;
    expect(
      (await h.api('/api/flows/audited', { method: 'PUT', json: hookFlow('audited'), key })).status,
    ).toBe(200);
    const invalid = await h.api('/api/flows/audited', { method: 'PUT', json: { id: 'audited' }, key });
    expect(invalid.status).toBe(400);
    expect(
      (await h.api('/api/flows/audited', { method: 'PATCH', json: { enabled: false }, key })).status,
    ).toBe(200);
    const [trigger] = (await h.api('/api/flows/audited/triggers', { key })).body.triggers;
    const rotated = await h.api(`/api/triggers/${trigger.id}/rotate-secret`, { method: 'POST', key });
    const newSecret = rotated.body.secret.secret as string;
    expect((await h.api('/api/flows/audited', { method: 'DELETE', key })).status).toBe(204);

    const url = `postgres://app:${PASSWORD}@127.0.0.1:1/sales`;
    expect(
      (await h.api('/api/connections', { method: 'POST', json: { name: 'sales', url }, key })).status,
    ).toBe(201);
    const tested = await h.api('/api/connections/sales/test', { method: 'POST', key });
    expect(tested.body.connection.lastTest.ok).toBe(false);
    expect((await h.api('/api/connections/sales', { method: 'DELETE', key })).status).toBe(204);

    const { status, body } = await h.api('/api/audit', { key });
    expect(status).toBe(200);
    const actor = { kind: 'api-key', id: keyId, name: 'auditor' };
    expect(
      body.entries
        .map((e: { kind: string; target: string; outcome: string }) => [e.kind, e.target, e.outcome])
        .reverse(),
    ).toEqual([
      ['flow.publish', 'audited', 'ok'],
      ['flow.publish', 'audited', 'ok'],
      ['flow.publish', 'audited', 'error'],
      ['flow.disable', 'audited', 'ok'],
      ['trigger.rotate-secret', trigger.id, 'ok'],
      ['flow.delete', 'audited', 'ok'],
      ['connection.add', 'sales', 'ok'],
      ['connection.test', 'sales', 'error'],
      ['connection.remove', 'sales', 'ok'],
    ]);
    for (const entry of body.entries) expect(entry.actor).toEqual(actor);
    const byKind = (kind: string) => body.entries.filter((e: { kind: string }) => e.kind === kind);
    expect(byKind('flow.publish').map((e: { detail: unknown }) => e.detail)).toEqual([
      null,
      { version: 1, published: false }, // the same document again: no new version, still audited
      { version: 1, published: true },
    ]);
    expect(byKind('flow.publish').find((e: { outcome: string }) => e.outcome === 'error').reason).toMatch(
      /^FLOW_/,
    );
    expect(byKind('connection.add')[0].detail).toEqual({ kind: 'postgres', replace: false });
    expect(byKind('connection.test')[0].reason).toContain('sales');
    const everything = JSON.stringify(body);
    for (const secret of [PASSWORD, hookSecret, newSecret, key]) expect(everything).not.toContain(secret);
  });

  it('filters by kind, actor, run, outcome and time, and pages newest first', async () => {
    await h.runtime.store.audit.append([
      sqlDraft({ at: 1000, runId: 'r1' }),
      sqlDraft({ at: 2000, runId: 'r1', outcome: 'refused', reason: 'SQL_TABLE_FORBIDDEN: customers' }),
      sqlDraft({ at: 3000, runId: 'r2' }),
    ]);
    await h.api('/api/flows', { method: 'POST', json: flowOf({ a: ['test.step'] }, [], 'f1'), key });
    const list = async (query: string) => (await h.api(`/api/audit?${query}`, { key })).body;
    expect((await list('kind=sql&run=r1')).entries.map((e: { at: number }) => e.at)).toEqual([2000, 1000]);
    expect((await list('outcome=refused')).entries).toHaveLength(1);
    expect((await list(`actor=${keyId}`)).entries.map((e: { kind: string }) => e.kind)).toEqual([
      'flow.publish',
    ]);
    expect(
      (await list('since=1500&until=1970-01-01T00:00:03Z')).entries.map((e: { at: number }) => e.at),
    ).toEqual([2000]);
    const first = await list('kind=sql&limit=2');
    expect(first.entries.map((e: { at: number }) => e.at)).toEqual([3000, 2000]);
    const second = await list(`kind=sql&limit=2&before=${first.nextBefore}`);
    expect(second.entries.map((e: { at: number }) => e.at)).toEqual([1000]);
    expect(second.nextBefore).toBeNull();
    const bad = await h.api('/api/audit?since=yesterday', { key });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('query.since');
  });

  it('downloads CSV with the same filters and defuses formula cells', async () => {
    await h.runtime.store.audit.append([
      sqlDraft({
        at: Date.UTC(2026, 0, 2),
        sql: { ...sqlDraft().sql!, sql: '=HYPERLINK("http://evil")', candidates: [1, 4] },
      }),
      sqlDraft({ at: Date.UTC(2026, 0, 1), outcome: 'error', reason: 'SQL_ERROR: no such table: x, y' }),
    ]);
    const response = await fetch(`${h.url}/api/audit.csv?kind=sql`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'seq,at,kind,actor_kind,actor_id,actor_name,outcome,reason,run_id,node_id,target,attempt,candidates,warehouse,dialect,sql,duration_ms,rows,detail',
    );
    expect(lines).toHaveLength(3);
    // Newest first: in the order written, last first.
    expect(lines[1]).toContain('"SQL_ERROR: no such table: x, y"');
    expect(lines[2]).toContain(
      `2026-01-02T00:00:00.000Z,sql,,,,ok,,r1,execute,,1,1 4,connection:sales,postgres,"'=HYPERLINK(""http://evil"")",12.5,1,`,
    );
  });

  it('needs the API key; an editor session signed in with a key is recorded as that key', async () => {
    expect((await h.api('/api/audit')).status).toBe(401);
    expect((await h.api('/api/audit.csv')).status).toBe(401);
    expect((await h.api('/api/audit', { key: 'r1f_wrong' })).status).toBe(403);
    const login = await h.api('/api/session', { method: 'POST', json: { apiKey: key } });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    await h.api('/api/flows', {
      method: 'POST',
      json: flowOf({ a: ['test.step'] }, [], 'f2'),
      headers: { cookie },
    });
    const { entries } = (await h.api('/api/audit?kind=flow.publish', { headers: { cookie } })).body;
    expect(entries[0].actor).toEqual({ kind: 'api-key', id: keyId, name: 'auditor' });
  });
});
