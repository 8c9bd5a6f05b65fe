// What one scheduler tick decided: store changes (node patches merged per node, so a node that
// becomes ready and starts in the same tick is written once), jobs to dispatch and jobs to cancel.
// The orchestrator commits the changes in one transaction before it dispatches anything.
import type { NodePatch, RunEvent, StoreChange } from '../store/records.ts';
import type { NodeJob } from '../transport.ts';

export class Tick {
  readonly changes: StoreChange[] = [];
  readonly jobs: NodeJob[] = [];
  readonly cancels: string[] = [];
  readonly #nodePatches = new Map<string, { runId: string; nodeId: string; patch: NodePatch }>();
  readonly #now: number;

  constructor(now: number) {
    this.#now = now;
  }

  get now(): number {
    return this.#now;
  }

  patchNode(runId: string, nodeId: string, patch: NodePatch): void {
    const key = `${runId}\u0000${nodeId}`;
    const existing = this.#nodePatches.get(key);
    if (existing) Object.assign(existing.patch, patch);
    else this.#nodePatches.set(key, { runId, nodeId, patch: { ...patch } });
  }

  event(
    runId: string,
    type: RunEvent['type'],
    nodeId: string | null = null,
    data: Record<string, unknown> | null = null,
  ) {
    this.changes.push({ kind: 'event', event: { runId, type, nodeId, data, at: this.#now } });
  }

  /** All changes, node patches last so they follow the runs they belong to. */
  allChanges(): StoreChange[] {
    const patches: StoreChange[] = [...this.#nodePatches.values()].map((p) => ({ kind: 'updateNode', ...p }));
    return [...this.changes, ...patches];
  }
}
