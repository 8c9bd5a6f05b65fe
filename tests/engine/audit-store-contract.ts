// The audit log's part of the store contract (called from store-contract.ts with the store under
// test): append-only entries, filters and paging newest first, and retention as the only delete.
import { describe, expect, it } from 'vitest';
import type { AuditDraft } from '../../engine/store/audit-records.ts';
import type { Store } from '../../engine/store/store.ts';

const key = { kind: 'key', id: 'key_admin', name: 'admin' };

export function auditDraft(overrides: Partial<AuditDraft> = {}): AuditDraft {
  return {
    at: 1000,
    kind: 'flow.publish',
    actor: key,
    outcome: 'ok',
    reason: null,
    runId: null,
    nodeId: null,
    target: 'nl2sql',
    sql: null,
    detail: { version: 2 },
    ...overrides,
  };
}

export function sqlDraft(overrides: Partial<AuditDraft> = {}): AuditDraft {
  return auditDraft({
    kind: 'sql',
    actor: null,
    runId: 'r1',
    nodeId: 'execute',
    target: null,
    detail: null,
    sql: {
      attempt: 1,
      candidates: [0, 3],
      warehouse: 'connection:sales',
      dialect: 'postgres',
      sql: 'SELECT count(*) FROM orders',
      durationMs: 12.5,
      rows: 1,
    },
    ...overrides,
  });
}

export function describeAuditContract(current: () => Store): void {
  describe('audit records', () => {
    it('appends entries with increasing sequence numbers and reads them back newest first', async () => {
      const store = current();
      const written = await store.audit.append([auditDraft(), sqlDraft({ at: 2000 })]);
      expect(written[1]!.seq).toBeGreaterThan(written[0]!.seq);
      expect(await store.audit.list()).toEqual([written[1], written[0]]);
      expect(await store.audit.append([])).toEqual([]);
    });

    it('filters by kind, actor, run, outcome and time, and pages by sequence', async () => {
      const store = current();
      await store.audit.append([
        auditDraft({ at: 100 }),
        sqlDraft({ at: 200, runId: 'r1' }),
        sqlDraft({ at: 300, runId: 'r2', outcome: 'refused', reason: 'SQL_TABLE_FORBIDDEN: customers' }),
        auditDraft({ at: 400, kind: 'connection.add', actor: { kind: 'cli', id: 'cli', name: 'ann' } }),
      ]);
      const ats = async (filter: Parameters<Store['audit']['list']>[0]) =>
        (await store.audit.list(filter)).map((entry) => entry.at);
      expect(await ats({ kind: 'sql' })).toEqual([300, 200]);
      expect(await ats({ actor: 'key_admin' })).toEqual([100]);
      expect(await ats({ actor: 'cli' })).toEqual([400]);
      expect(await ats({ runId: 'r2' })).toEqual([300]);
      expect(await ats({ outcome: 'refused' })).toEqual([300]);
      expect(await ats({ since: 200, until: 400 })).toEqual([300, 200]);
      const firstPage = await store.audit.list({ limit: 2 });
      expect(firstPage.map((e) => e.at)).toEqual([400, 300]);
      expect(await ats({ limit: 2, beforeSeq: firstPage[1]!.seq })).toEqual([200, 100]);
    });

    it('prunes only entries older than the cut-off, in batches', async () => {
      const store = current();
      await store.audit.append(Array.from({ length: 7 }, (_, i) => auditDraft({ at: i * 10 })));
      expect(await store.audit.prune(35, 2)).toBe(4);
      expect((await store.audit.list()).map((e) => e.at)).toEqual([60, 50, 40]);
      expect(await store.audit.prune(35, 2)).toBe(0);
      // The window closes with the prune: a later append is kept whatever its time.
      await store.audit.append([auditDraft({ at: 1 })]);
      expect((await store.audit.list()).map((e) => e.at)).toEqual([1, 60, 50, 40]);
    });
  });
}
