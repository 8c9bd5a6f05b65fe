// Taking over runs whose owner is gone: claim them in the store, rebuild each from its stored
// rows, and tell which of their running nodes the transport still has in flight (the rest are
// sent again). A run that can never continue here (its flow or a node type is gone) is failed.
import { R1flowError, serializeError } from '../errors.ts';
import { isOwnerDead } from '../owner.ts';
import type { NodeRegistry } from '../registry.ts';
import { TERMINAL_RUN_STATUSES } from '../run-machine.ts';
import type { FlowVersion } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { jobIdFor } from '../transport.ts';
import type { ActiveRun } from './active-run.ts';
import { activeRunFromStored } from './active-run.ts';
import { resolveStoredFlow } from './resolve-stored-flow.ts';
import { failStoredRunChanges } from './unstored-run.ts';

/**
 * Flow versions are immutable, so each is read (and its resolution cached by document) once;
 * the latest version of a flow is looked up each time, since a save may have added one.
 */
export class FlowVersions {
  readonly #store: Store;
  readonly #versions = new Map<string, FlowVersion>();

  constructor(store: Store) {
    this.#store = store;
  }

  async get(flowId: string, version: number | undefined): Promise<FlowVersion | null> {
    const wanted = version ?? (await this.#store.getFlow(flowId))?.latestVersion;
    if (wanted === undefined) return null;
    const key = `${flowId}@${wanted}`;
    const cached = this.#versions.get(key);
    if (cached) return cached;
    const stored = await this.#store.getFlowVersion(flowId, wanted);
    if (stored) this.#versions.set(key, stored);
    return stored;
  }
}

/** Claims active runs whose lease expired or whose owner process died; returns their ids. */
export async function claimOrphans(store: Store, owner: string, leaseMs: number): Promise<string[]> {
  const now = Date.now();
  const owners = await store.listActiveRunOwners();
  const dead = owners.map((o) => o.owner).filter((o): o is string => o !== null && isOwnerDead(o));
  return store.claimRuns(owner, now + leaseMs, now, dead);
}

export async function loadForResume(
  runId: string,
  context: { store: Store; versions: FlowVersions; registry: NodeRegistry; owner: string },
): Promise<ActiveRun | null> {
  const stored = await context.store.getRun(runId);
  if (!stored) return null;
  const version = await context.versions.get(stored.run.flowId, stored.run.flowVersion);
  try {
    if (!version) {
      throw new R1flowError('FLOW_NOT_FOUND', `flow ${stored.run.flowId} v${stored.run.flowVersion} is gone`);
    }
    return activeRunFromStored(
      stored.run,
      stored.nodes,
      resolveStoredFlow(version.document, context.registry),
    );
  } catch (error) {
    const failure = serializeError(error, 'INTERNAL');
    await context.store.commit(failStoredRunChanges(stored, failure, Date.now()), { owner: context.owner });
    return null;
  }
}

/** Of these runs, those finished or gone: nobody will take a job result of theirs any more. */
export async function finishedRuns(store: Store, runIds: readonly string[]): Promise<Set<string>> {
  const records = await Promise.all(runIds.map((runId) => store.getRunRecord(runId)));
  return new Set(runIds.filter((_, i) => !records[i] || TERMINAL_RUN_STATUSES.has(records[i].status)));
}

/** Keeps the job id of running nodes the transport still has; the others will be sent again. */
export function markInFlight(run: ActiveRun, inFlight: ReadonlySet<string>): void {
  for (const node of run.nodes.values()) {
    if (node.status !== 'running') continue;
    const jobId = jobIdFor(run.id, node.id, node.attempt);
    node.jobId = inFlight.has(jobId) ? jobId : null;
  }
}
