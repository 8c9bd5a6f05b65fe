import { R1flowError } from '../../../engine/errors.ts';
import { environmentSettings } from '../../../engine/host-settings.ts';
import type { RunStatus } from '../../../engine/run-machine.ts';
import type { Store } from '../../../engine/store/store.ts';
import {
  pruneByPlan,
  prunePolicy,
  type RunPrunePlan,
  runPrunePlans,
  runRetentionFrom,
} from '../../retention/run-retention.ts';
import { createRuntime, type Runtime } from '../../runtime/local-runtime.ts';
import { parseFlags, parseIntegerFlag, type StoreFlagValues, storeFlags, storeLocation } from '../options.ts';
import { formatRunDetail, formatRunTable } from '../run-format.ts';
import { defineCommandGroup, type Subcommand } from './command-group.ts';

const STATUSES: RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

const listUsage = 'runs list [--flow ID] [--status S] [--thread ID] [--limit N] [--json] [--store PATH|URL]';
const list: Subcommand = {
  name: 'list',
  summary: 'List recent runs (newest first)',
  usage: listUsage,
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        ...storeFlags,
        flow: { type: 'string' },
        status: { type: 'string' },
        thread: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
      },
      listUsage,
    );
    if (values.status && !STATUSES.includes(values.status as RunStatus)) {
      throw new R1flowError('BAD_REQUEST', `--status must be one of ${STATUSES.join(', ')}`);
    }
    return withRuntime(values, async (runtime) => {
      const runs = await runtime.store.listRuns({
        ...(values.flow ? { flowId: values.flow } : {}),
        ...(values.status ? { status: values.status as RunStatus } : {}),
        ...(values.thread ? { threadId: values.thread } : {}),
        limit: parseIntegerFlag(values.limit, 'limit', 20, 1),
      });
      process.stdout.write(values.json ? `${JSON.stringify(runs, null, 2)}\n` : formatRunTable(runs));
      return 0;
    });
  },
};

const showUsage = 'runs show RUN_ID [--json] [--store PATH|URL]';
const show: Subcommand = {
  name: 'show',
  summary: 'Show a run: status, each node with its attempts, timings, error and output',
  usage: showUsage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { ...storeFlags, json: { type: 'boolean' } }, showUsage);
    return withRuntime(values, async (runtime) => {
      const stored = await runtime.store.getRun(requireId(positionals[0], showUsage));
      if (!stored) throw new R1flowError('RUN_NOT_FOUND', `no run "${positionals[0]}"`);
      const attempts = await runtime.store.listAttempts(stored.run.id);
      process.stdout.write(
        values.json
          ? `${JSON.stringify({ ...stored, attempts }, null, 2)}\n`
          : formatRunDetail(stored, attempts),
      );
      return 0;
    });
  },
};

const cancelUsage = 'runs cancel RUN_ID [--store PATH|URL]';
const cancel: Subcommand = {
  name: 'cancel',
  summary: 'Cancel a queued or running run (also one driven by another process on this store)',
  usage: cancelUsage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { ...storeFlags }, cancelUsage);
    const runId = requireId(positionals[0], cancelUsage);
    return withRuntime(values, async (runtime) => {
      await runtime.orchestrator.start();
      await runtime.orchestrator.cancelRun(runId);
      // Another live process owns the run: it sees the request at its next lease renewal.
      const { run, timedOut } = await runtime.orchestrator.waitForRun(runId, 5000);
      if (timedOut) {
        // Nobody drives it (its owner is gone): take it over here and cancel it.
        await runtime.orchestrator.resumeOrphans();
        await runtime.orchestrator.cancelRun(runId).catch(() => {});
      }
      const final = timedOut ? (await runtime.orchestrator.waitForRun(runId, 5000)).run : run;
      process.stdout.write(`run ${runId} ${final.status}\n`);
      return final.status === 'cancelled' ? 0 : 1;
    });
  },
};

const resumeUsage = 'runs resume [--store PATH|URL]';
const resume: Subcommand = {
  name: 'resume',
  summary: 'Continue runs left unfinished by a stopped or killed process, until they finish',
  usage: resumeUsage,
  async run(argv) {
    const { values } = parseFlags(argv, { ...storeFlags }, resumeUsage);
    return withRuntime(values, async (runtime) => {
      await runtime.orchestrator.start();
      const resumed = await runtime.orchestrator.resumeOrphans();
      process.stderr.write(`resuming ${resumed.length} run(s)\n`);
      let failed = 0;
      for (const runId of resumed) {
        const { run } = await runtime.orchestrator.waitForRun(runId);
        process.stdout.write(`${runId} ${run.status}\n`);
        if (run.status !== 'succeeded') failed++;
      }
      return failed === 0 ? 0 : 1;
    });
  },
};

const pruneUsage =
  'runs prune [--older-than 14d] [--failed-older-than 30d] [--flow ID] [--dry-run] [--store PATH|URL]';
const prune: Subcommand = {
  name: 'prune',
  summary: 'Delete finished runs older than the retention, with their node runs and events',
  usage: `${pruneUsage}

  Without ages, each flow keeps its runs as the server does: the flow's "retention", else
  R1FLOW_RUN_RETENTION_DAYS (14) for succeeded and cancelled runs and
  R1FLOW_FAILED_RUN_RETENTION_DAYS (30) for failed ones. An age given here wins for every flow.
  Queued and running runs, runs with feedback and threads with a newer turn are kept.
  --dry-run counts the finished runs past their cut-off and deletes nothing.`,
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        ...storeFlags,
        'older-than': { type: 'string' },
        'failed-older-than': { type: 'string' },
        flow: { type: 'string' },
        'dry-run': { type: 'boolean' },
      },
      pruneUsage,
    );
    const forced = {
      days: parseAgeDays(values['older-than'], 'older-than'),
      failedDays: parseAgeDays(values['failed-older-than'], 'failed-older-than'),
    };
    const defaults = runRetentionFrom(environmentSettings.setting);
    return withRuntime(values, async (runtime) => {
      const now = Date.now();
      const plans = await runPrunePlans(runtime.store, defaults, { flowId: values.flow, forced });
      let total = 0;
      for (const plan of plans) {
        const count = values['dry-run']
          ? await countPastCutoff(runtime.store, plan, now)
          : await pruneByPlan(runtime.store, plan, { now });
        total += count;
        process.stdout.write(`${count}\t${describePlan(plan)}\n`);
      }
      process.stderr.write(
        values['dry-run']
          ? `dry run: ${total} finished run(s) past their cut-off; a prune keeps those with feedback or in a thread with a newer turn\n`
          : `pruned ${total} run(s)\n`,
      );
      return 0;
    });
  },
};

/** `14d` (or `14`) as days, at least one; undefined when not given. */
function parseAgeDays(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)d?$/.exec(value.trim());
  const days = Number(match?.[1]);
  if (!match || !Number.isSafeInteger(days) || days < 1) {
    throw new R1flowError(
      'BAD_REQUEST',
      `--${flag} must be a whole number of days, at least 1, like 14d; got "${value}"`,
    );
  }
  return days;
}

function describePlan(plan: RunPrunePlan): string {
  const age = (days: number) => (days === 0 ? 'kept forever' : `older than ${days}d`);
  const which = plan.flowId === undefined ? 'other flows' : `flow ${plan.flowId}`;
  return `${which}: succeeded/cancelled ${age(plan.retention.days)}, failed ${age(plan.retention.failedDays)}`;
}

/**
 * Finished runs of the plan's flows past their cut-off, read page by page; an upper bound of what
 * a prune deletes, since it also keeps rated runs and live threads.
 */
async function countPastCutoff(store: Store, plan: RunPrunePlan, now: number): Promise<number> {
  const policy = prunePolicy(plan, now, 1);
  if (!policy) return 0;
  const excluded = new Set(policy.excludeFlows ?? []);
  const page = 500;
  let count = 0;
  for (let offset = 0; ; offset += page) {
    const runs = await store.listRuns({
      ...(policy.flowId === undefined ? {} : { flowId: policy.flowId }),
      status: ['succeeded', 'cancelled', 'failed'],
      limit: page,
      offset,
    });
    for (const run of runs) {
      const cutoff = run.status === 'failed' ? policy.failedBefore : policy.finishedBefore;
      if (!excluded.has(run.flowId) && run.finishedAt !== null && run.finishedAt < cutoff) count++;
    }
    if (runs.length < page) return count;
  }
}

/** A runtime on the store for one command that drives no runs of its own, closed after `use`. */
async function withRuntime<T>(flags: StoreFlagValues, use: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await createRuntime({ storeLocation: storeLocation(flags), adoptOrphans: false });
  try {
    return await use(runtime);
  } finally {
    await runtime.close();
  }
}

function requireId(value: string | undefined, usage: string): string {
  if (!value) throw new R1flowError('BAD_REQUEST', `a run id is required\nusage: r1flow ${usage}`);
  return value;
}

export const runsCommand = defineCommandGroup('runs', 'Inspect, cancel, resume and prune runs in the store', [
  list,
  show,
  cancel,
  resume,
  prune,
]);
