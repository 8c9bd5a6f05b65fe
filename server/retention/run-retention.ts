// Retention of the run history: finished runs older than the configured days are deleted with
// their node runs, attempts and events (Store.pruneRuns), when the server starts and then every
// 15 minutes, in batches of 500 runs per transaction with a turn of the event loop between them,
// so no pass holds the store for long. Succeeded and cancelled runs are kept
// `R1FLOW_RUN_RETENTION_DAYS` (default 14) days, failed ones `R1FLOW_FAILED_RUN_RETENTION_DAYS`
// (default 30); a flow's `retention: { days, failedDays }` overrides either for its own runs.
// 0 keeps them forever.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from '../../engine/define-node.ts';
import type { Lookup } from '../../engine/host-settings.ts';
import type { RunPrunePolicy, Store } from '../../engine/store/store.ts';
import { type PruneTimer, startPruneTimer } from './prune-timer.ts';
import { retentionCutoff, retentionDays } from './retention-days.ts';

export const RUN_RETENTION_ENV = 'R1FLOW_RUN_RETENTION_DAYS';
export const FAILED_RUN_RETENTION_ENV = 'R1FLOW_FAILED_RUN_RETENTION_DAYS';
/** Days succeeded and cancelled runs (`days`) and failed runs (`failedDays`) are kept; 0: forever. */
export interface RunRetention {
  days: number;
  failedDays: number;
}
export const DEFAULT_RUN_RETENTION: RunRetention = { days: 14, failedDays: 30 };
/** Runs deleted per transaction. */
export const PRUNE_BATCH_SIZE = 500;
const PRUNE_EVERY_MS = 15 * 60_000;

export const RUN_RETENTION_FLAG = 'run-retention-days';
export const FAILED_RUN_RETENTION_FLAG = 'failed-run-retention-days';

/**
 * The host's retention: `start`'s flags, else its settings, else the defaults; CONFIG_INVALID
 * naming the flag or setting that is not a whole number of days.
 */
export function runRetentionFrom(
  setting: Lookup,
  flags: { days?: string | undefined; failedDays?: string | undefined } = {},
): RunRetention {
  const read = (flag: string | undefined, flagName: string, env: string, fallback: number, keeps: string) =>
    retentionDays(flag ?? setting(env), {
      name: flag === undefined ? env : `--${flagName}`,
      fallback,
      keeps,
    });
  return {
    days: read(
      flags.days,
      RUN_RETENTION_FLAG,
      RUN_RETENTION_ENV,
      DEFAULT_RUN_RETENTION.days,
      'succeeded and cancelled runs',
    ),
    failedDays: read(
      flags.failedDays,
      FAILED_RUN_RETENTION_FLAG,
      FAILED_RUN_RETENTION_ENV,
      DEFAULT_RUN_RETENTION.failedDays,
      'failed runs',
    ),
  };
}

/** Days given for some of the two (a flow's own, the CLI's flags); the others come from below. */
export type RetentionDays = { [K in keyof RunRetention]?: number | undefined };

/** What one pass deletes: the runs of `flowId` (or of every flow but `excludeFlows`) past these days. */
export interface RunPrunePlan {
  flowId?: string;
  excludeFlows?: readonly string[];
  retention: RunRetention;
}

/**
 * One plan per flow whose document sets a retention of its own (its latest saved version's
 * `retention`, over `defaults`), and one with `defaults` for every other flow, deleted ones
 * included; `forced` days (the CLI's flags) win over both. With `flowId`, that flow's plan only.
 */
export async function runPrunePlans(
  store: Store,
  defaults: RunRetention,
  options: { flowId?: string | undefined; forced?: RetentionDays } = {},
): Promise<RunPrunePlan[]> {
  const { flowId, forced = {} } = options;
  const ownRetention = async (id: string) => (await store.getFlowVersion(id))?.document.retention;
  if (flowId !== undefined) {
    return [{ flowId, retention: overlay(overlay(defaults, await ownRetention(flowId)), forced) }];
  }
  const plans: RunPrunePlan[] = [];
  for (const flow of await store.listFlows()) {
    const own = await ownRetention(flow.id);
    if (own) plans.push({ flowId: flow.id, retention: overlay(overlay(defaults, own), forced) });
  }
  plans.push({
    excludeFlows: plans.map((plan) => plan.flowId as string),
    retention: overlay(defaults, forced),
  });
  return plans;
}

/** `base` with the days `over` gives. */
function overlay(base: RunRetention, over: RetentionDays | undefined): RunRetention {
  return { days: over?.days ?? base.days, failedDays: over?.failedDays ?? base.failedDays };
}

/** The store's policy for a plan at `now`, or null when the plan keeps every run. */
export function prunePolicy(plan: RunPrunePlan, now: number, limit: number): RunPrunePolicy | null {
  const { days, failedDays } = plan.retention;
  if (days === 0 && failedDays === 0) return null;
  return {
    finishedBefore: retentionCutoff(days, now),
    failedBefore: retentionCutoff(failedDays, now),
    ...(plan.flowId === undefined ? { excludeFlows: plan.excludeFlows ?? [] } : { flowId: plan.flowId }),
    limit,
  };
}

/** Deletes batches of the plan's runs until none is left; returns how many went. */
export async function pruneByPlan(
  store: Store,
  plan: RunPrunePlan,
  options: { now?: number; batchSize?: number } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? PRUNE_BATCH_SIZE;
  const policy = prunePolicy(plan, options.now ?? Date.now(), batchSize);
  if (!policy) return 0;
  let total = 0;
  for (;;) {
    const pruned = await store.pruneRuns(policy);
    total += pruned;
    if (pruned < batchSize) return total;
    // Let requests and scheduler ticks in between transactions.
    await nextTurn();
  }
}

/** One retention pass over every plan; returns the runs deleted per plan (flow id, or `*` for the rest). */
export async function pruneRunHistory(
  store: Store,
  defaults: RunRetention,
  options: { now?: number; batchSize?: number } = {},
): Promise<Map<string, number>> {
  const now = options.now ?? Date.now();
  const pruned = new Map<string, number>();
  for (const plan of await runPrunePlans(store, defaults)) {
    pruned.set(plan.flowId ?? '*', await pruneByPlan(store, plan, { ...options, now }));
  }
  return pruned;
}

/** Prunes now and every 15 minutes until stopped; failures are logged, never thrown. */
export function startRunRetention(options: {
  store: Store;
  retention: RunRetention;
  logger: Logger;
  everyMs?: number;
}): PruneTimer {
  const { store, retention, logger } = options;
  return startPruneTimer({
    prune: async () => {
      const pruned = await pruneRunHistory(store, retention);
      const total = [...pruned.values()].reduce((sum, n) => sum + n, 0);
      if (total === 0) return;
      const byFlow = Object.fromEntries([...pruned].filter(([flow, n]) => flow !== '*' && n > 0));
      logger.info(
        `pruned ${total} finished runs (kept: ${retention.days} days, failed ${retention.failedDays} days, unless the flow sets its own)`,
        { pruned: total, ...(Object.keys(byFlow).length > 0 ? { byFlow } : {}) },
      );
    },
    everyMs: options.everyMs ?? PRUNE_EVERY_MS,
    logger,
    failure: 'pruning finished runs failed',
  });
}
