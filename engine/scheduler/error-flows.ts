// Starts the error flows of a failed run: every enabled flow whose `trigger.error` node watches the
// run's flow, on its latest version, with the failed run as input. A run of a flow that has an
// error trigger itself starts none, so an error flow never triggers itself or another in a loop.
// Each error flow runs at most once per failed run (the failed run's id is its idempotency key).
import type { Logger } from '../define-node.ts';
import type { FailedRun } from '../error-trigger.ts';
import { errorTriggerWatches, isErrorTriggerType } from '../error-trigger.ts';
import type { FlowDocument } from '../flow-schema.ts';
import type { RunRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import type { ActiveRun } from './active-run.ts';
import type { StartRunRequest } from './orchestrator.ts';
import type { FlowVersions } from './resume-runs.ts';

export interface ErrorFlowsOptions {
  store: Store;
  versions: FlowVersions;
  startRun: (request: StartRunRequest) => Promise<RunRecord>;
  logger: Logger;
}

export class ErrorFlows {
  readonly #options: ErrorFlowsOptions;

  constructor(options: ErrorFlowsOptions) {
    this.#options = options;
  }

  /** Starts the error flows watching `run`'s flow; returns the ids of the runs started. */
  async runFailed(run: ActiveRun): Promise<string[]> {
    if (run.flow.document.nodes.some((node) => isErrorTriggerType(node.type))) return [];
    const { store, versions, startRun, logger } = this.#options;
    const input: FailedRun = {
      runId: run.id,
      flowId: run.flowId,
      flowVersion: run.flowVersion,
      nodeId: run.error?.nodeId ?? null,
      code: run.error?.code ?? 'NODE_FAILED',
      message: run.error?.message ?? 'the run failed',
    };
    const started: string[] = [];
    for (const flow of await store.listFlows()) {
      // Like webhooks and schedules, an error flow runs its published version; a draft never fires.
      if (!flow.enabled || flow.id === run.flowId || flow.publishedVersion === null) continue;
      const version = await versions.get(flow.id, flow.publishedVersion);
      if (!version || !watches(version.document, run.flowId)) continue;
      try {
        const errorRun = await startRun({
          flowId: flow.id,
          version: version.version,
          input,
          trigger: { kind: 'error', detail: { runId: run.id, flowId: run.flowId } },
          idempotencyKey: `failed-run:${run.id}`,
        });
        started.push(errorRun.id);
      } catch (error) {
        logger.error('could not start an error flow', {
          errorFlowId: flow.id,
          failedRunId: run.id,
          error: (error as Error).message,
        });
      }
    }
    return started;
  }
}

function watches(document: FlowDocument, flowId: string): boolean {
  return document.nodes.some(
    (node) => isErrorTriggerType(node.type) && errorTriggerWatches(node.params, flowId),
  );
}
