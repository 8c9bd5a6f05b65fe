// Retention of the audit log, like the run history's (server/retention/run-retention.ts): entries
// older than the configured number of days are pruned (in short batches, see AuditRecords.prune)
// when the server starts and then every hour. `R1FLOW_AUDIT_RETENTION_DAYS` sets the days
// (default 90); 0 keeps every entry.
import type { Logger } from '../../engine/define-node.ts';
import type { AuditRecords } from '../../engine/store/audit-records.ts';
import { type PruneTimer, startPruneTimer } from '../retention/prune-timer.ts';
import { retentionCutoff, retentionDays } from '../retention/retention-days.ts';

export const AUDIT_RETENTION_ENV = 'R1FLOW_AUDIT_RETENTION_DAYS';
export const DEFAULT_AUDIT_RETENTION_DAYS = 90;
const PRUNE_EVERY_MS = 3_600_000;

/** The retention in days from the setting's text; CONFIG_INVALID naming the setting when it is not a whole number. */
export function auditRetentionDays(text: string | undefined): number {
  return retentionDays(text, {
    name: AUDIT_RETENTION_ENV,
    fallback: DEFAULT_AUDIT_RETENTION_DAYS,
    keeps: 'the audit log',
  });
}

/** Prunes entries older than `days` before `now`; returns how many went (none when days is 0). */
export async function pruneAuditLog(records: AuditRecords, days: number, now = Date.now()): Promise<number> {
  if (days === 0) return 0;
  return records.prune(retentionCutoff(days, now));
}

/** Prunes now and every hour until stopped; failures are logged, never thrown. */
export function startAuditRetention(options: {
  records: AuditRecords;
  days: number;
  logger: Logger;
  everyMs?: number;
}): PruneTimer {
  const { records, days, logger } = options;
  if (days === 0) return { stop() {} };
  return startPruneTimer({
    prune: async () => {
      const pruned = await pruneAuditLog(records, days);
      if (pruned > 0) logger.info(`pruned ${pruned} audit entries older than ${days} days`);
    },
    everyMs: options.everyMs ?? PRUNE_EVERY_MS,
    logger,
    failure: 'pruning the audit log failed',
  });
}
