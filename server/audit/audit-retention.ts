// Retention of the audit log, like the run history's: entries older than the configured number
// of days are pruned (in short batches, see AuditRecords.prune) when the server starts and then
// every hour. `R1FLOW_AUDIT_RETENTION_DAYS` sets the days (default 90); 0 keeps every entry.
import type { Logger } from '../../engine/define-node.ts';
import { R1flowError } from '../../engine/errors.ts';
import type { AuditRecords } from '../../engine/store/audit-records.ts';

export const AUDIT_RETENTION_ENV = 'R1FLOW_AUDIT_RETENTION_DAYS';
export const DEFAULT_AUDIT_RETENTION_DAYS = 90;
const DAY_MS = 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

/** The retention in days from the setting's text; CONFIG_INVALID naming the setting when it is not a whole number. */
export function auditRetentionDays(text: string | undefined): number {
  if (text === undefined) return DEFAULT_AUDIT_RETENTION_DAYS;
  const days = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(days)) {
    throw new R1flowError(
      'CONFIG_INVALID',
      `${AUDIT_RETENTION_ENV} must be a whole number of days (0 keeps the audit log forever), not "${text}"`,
    );
  }
  return days;
}

/** Prunes entries older than `days` before `now`; returns how many went (none when days is 0). */
export async function pruneAuditLog(records: AuditRecords, days: number, now = Date.now()): Promise<number> {
  if (days === 0) return 0;
  return records.prune(now - days * DAY_MS);
}

export interface AuditRetention {
  stop(): void;
}

/** Prunes now and every hour until stopped; failures are logged, never thrown. */
export function startAuditRetention(options: {
  records: AuditRecords;
  days: number;
  logger: Logger;
  everyMs?: number;
}): AuditRetention {
  const { records, days, logger } = options;
  if (days === 0) return { stop() {} };
  const prune = () =>
    pruneAuditLog(records, days).then(
      (pruned) => {
        if (pruned > 0) logger.info(`pruned ${pruned} audit entries older than ${days} days`);
      },
      (error: Error) => logger.error('pruning the audit log failed', { error: error.message }),
    );
  void prune();
  const timer = setInterval(prune, options.everyMs ?? PRUNE_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
