// The audit log's own defences: its table refuses UPDATE and DELETE to anyone holding the store
// file (only retention pruning, inside its own transaction, may delete), and no entry carries a
// password, a webhook secret or an API key, including the entry of a warehouse that refused the
// connection's password.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeJob } from '../../engine/execute-job.ts';
import { settingsFrom } from '../../engine/host-settings.ts';
import { silentLogger } from '../../engine/node-context.ts';
import { ResourcePool } from '../../engine/resources.ts';
import { sqlAuditDraft } from '../../engine/sql-audit.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import { auditDraft, sqlDraft } from '../engine/audit-store-contract.ts';
import { flowOf } from '../support/engine-harness.ts';
import { type ServerHarness, startTestServer } from '../support/server-harness.ts';

const PASSWORD = 'Sup3r-audit-pw';

let h: ServerHarness;
beforeEach(async () => {
  h = await startTestServer({ requireKey: true });
});
afterEach(async () => {
  await h.close();
});

function rawAuditRows(): unknown[] {
  const raw = new Database(h.storePath, { readonly: true });
  try {
    return raw.prepare('SELECT * FROM audit_log').all();
  } finally {
    raw.close();
  }
}

describe('the audit log', () => {
  it('is append-only: UPDATE and DELETE through SQL fail and change nothing', async () => {
    await h.runtime.store.audit.append([auditDraft({ at: 1 }), sqlDraft({ at: 2 })]);
    const before = rawAuditRows();
    const raw = new Database(h.storePath);
    try {
      expect(() => raw.prepare("UPDATE audit_log SET outcome = 'ok', sql = 'SELECT 1'").run()).toThrow(
        /append-only/,
      );
      expect(() => raw.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
      expect(() => raw.prepare('DELETE FROM audit_log WHERE at < 10').run()).toThrow(/append-only/);
    } finally {
      raw.close();
    }
    expect(rawAuditRows()).toEqual(before);
    // Retention still works, and only through prune.
    expect(await h.runtime.store.audit.prune(2)).toBe(1);
    expect(rawAuditRows()).toHaveLength(1);
  });

  it('never holds a password, a webhook secret or an API key', async () => {
    const { key } = await h.server.context.apiKeys.create('admin');
    const url = `postgres://reader:${PASSWORD}@127.0.0.1:1/sales`;
    await h.api('/api/connections', { method: 'POST', json: { name: 'sales', url }, key });
    await h.api('/api/connections/sales/test', { method: 'POST', key });
    const hook = flowOf(
      { hook: ['trigger.webhook', { path: 'ask', fields: [{ name: 'q' }] }], out: ['output.answer'] },
      ['hook.payload->out.value'],
      'hooked',
    );
    const saved = await h.api('/api/flows', { method: 'POST', json: hook, key });
    const secret = saved.body.newSecrets[0].secret as string;
    const [trigger] = (await h.api('/api/flows/hooked/triggers', { key })).body.triggers;
    const rotated = (await h.api(`/api/triggers/${trigger.id}/rotate-secret`, { method: 'POST', key })).body;

    // A node whose warehouse connection fails: the SQL it tried is audited with the error.
    const resources = new ResourcePool();
    const result = await executeJob(
      {
        jobId: 'r-sec-execute-1',
        runId: 'r-sec',
        nodeId: 'execute',
        attempt: 1,
        nodeKey: 'sql.execute@1',
        lane: 'sql',
        params: {},
        inputs: {
          candidates: {
            model: 'test',
            candidates: [{ index: 0, sql: 'SELECT 1', reasoning: '', text: '', finishReason: 'stop' }],
          },
          schema: { database: 'connection:sales', dialect: 'postgres', ddl: '', tables: [], retrieval: [] },
        },
      },
      {
        registry: createNodeRegistry(),
        resources,
        settings: { ...settingsFrom({}), connection: h.runtime.settings.connection! },
        logger: silentLogger,
      },
    );
    await resources.disposeAll();
    expect(result.outcome.ok).toBe(false);
    expect(result.audit).toEqual([expect.objectContaining({ outcome: 'error', sql: 'SELECT 1' })]);
    await h.runtime.store.audit.append(result.audit!.map((record) => sqlAuditDraft(record, null)));

    const rows = rawAuditRows();
    expect(rows.length).toBeGreaterThanOrEqual(5);
    const text = JSON.stringify(rows);
    expect(text).toContain('WAREHOUSE_CONNECT_FAILED');
    for (const leaked of [PASSWORD, url, secret, rotated.secret.secret, key])
      expect(text).not.toContain(leaked);
  });
});
