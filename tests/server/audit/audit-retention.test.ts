// Retention of the audit log: the setting's days, pruning only what is older, 0 keeping all, and
// a bad setting refused with a message naming it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../engine/node-context.ts';
import { SqliteStore } from '../../../engine/store/sqlite-store.ts';
import {
  AUDIT_RETENTION_ENV,
  auditRetentionDays,
  DEFAULT_AUDIT_RETENTION_DAYS,
  pruneAuditLog,
  startAuditRetention,
} from '../../../server/audit/audit-retention.ts';
import { auditDraft } from '../../engine/audit-store-contract.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

let dir: string;
let store: SqliteStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-audit-retention-'));
  store = new SqliteStore(join(dir, 'r1.db'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit retention', () => {
  it('reads the days from the setting, 90 by default, and refuses anything but a whole number', () => {
    expect(auditRetentionDays(undefined)).toBe(DEFAULT_AUDIT_RETENTION_DAYS);
    expect(auditRetentionDays('30')).toBe(30);
    expect(auditRetentionDays('0')).toBe(0);
    for (const bad of ['-1', '1.5', 'forever', '']) {
      expect(() => auditRetentionDays(bad)).toThrow(AUDIT_RETENTION_ENV);
    }
  });

  it('prunes the entries older than the retention and keeps the rest; 0 keeps everything', async () => {
    await store.audit.append([
      auditDraft({ at: NOW - 40 * DAY, target: 'old' }),
      auditDraft({ at: NOW - 31 * DAY, target: 'older-than-30' }),
      auditDraft({ at: NOW - 29 * DAY, target: 'recent' }),
      auditDraft({ at: NOW, target: 'today' }),
    ]);
    expect(await pruneAuditLog(store.audit, 0, NOW)).toBe(0);
    expect(await store.audit.list()).toHaveLength(4);
    expect(await pruneAuditLog(store.audit, 30, NOW)).toBe(2);
    expect((await store.audit.list()).map((e) => e.target)).toEqual(['today', 'recent']);
  });

  it('the server-side timer prunes once at start', async () => {
    await store.audit.append([auditDraft({ at: Date.now() - 100 * DAY }), auditDraft({ at: Date.now() })]);
    const retention = startAuditRetention({ records: store.audit, days: 90, logger: silentLogger });
    try {
      await expect.poll(async () => (await store.audit.list()).length).toBe(1);
    } finally {
      retention.stop();
    }
  });
});
