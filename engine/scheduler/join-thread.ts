// A new run that follows up earlier ones: find its thread (a named one, or the thread of the run
// it follows up, started on demand) and put the thread's latest answered turns into its input as
// `history`, so what the model was shown is stored with the run and a re-run shows it again.
import { R1flowError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { HISTORY_KEY, latestTurns, MAX_HISTORY_CHARS, MAX_HISTORY_TURNS, turnOf } from '../thread-turns.ts';

export interface ThreadRequest {
  /** An existing thread to add a turn to. */
  threadId?: string;
  /** The run this one follows up: its thread, or a new one named after it. */
  followUpOf?: string;
}

/** Refuses a `history` the caller wrote: it comes from the thread, so it always says what was asked. */
export function checkNoCallerHistory(input: unknown): void {
  if (typeof input === 'object' && input !== null && Object.hasOwn(input, HISTORY_KEY)) {
    throw new R1flowError(
      'RUN_BAD_INPUT',
      `input.${HISTORY_KEY} is filled in by r1flow from the run's thread; pass threadId or followUpOf instead`,
      { path: `input.${HISTORY_KEY}` },
    );
  }
}

/**
 * The thread the new run joins and the input it starts with, or null without a thread request.
 * Checks everything before it starts a thread, so a refused request changes nothing.
 */
export async function joinThread(
  store: Store,
  flowId: string,
  request: ThreadRequest,
  input: unknown,
): Promise<{ threadId: string; input: unknown } | null> {
  const { threadId, followUpOf } = request;
  if (threadId === undefined && followUpOf === undefined) return null;
  if (threadId !== undefined && followUpOf !== undefined) {
    throw new R1flowError('BAD_REQUEST', 'give threadId or followUpOf, not both');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new R1flowError('RUN_BAD_INPUT', 'the input of a follow-up must be a JSON object', {
      path: 'input',
    });
  }
  const id =
    threadId !== undefined
      ? await existingThread(store, flowId, threadId)
      : await followedThread(store, flowId, followUpOf!);
  const answered = await store.listRuns({ threadId: id, status: 'succeeded', limit: MAX_HISTORY_TURNS });
  const turns = answered
    .reverse()
    .map(turnOf)
    .filter((turn) => turn !== null);
  const history = latestTurns(turns, MAX_HISTORY_TURNS, MAX_HISTORY_CHARS);
  return { threadId: id, input: history.length === 0 ? input : { ...input, [HISTORY_KEY]: history } };
}

async function existingThread(store: Store, flowId: string, threadId: string): Promise<string> {
  const [latest] = await store.listRuns({ threadId, limit: 1 });
  if (!latest) {
    throw new R1flowError(
      'THREAD_NOT_FOUND',
      `no thread "${threadId}"; to start one, pass followUpOf with the id of the run to follow up`,
    );
  }
  checkSameFlow(flowId, latest.flowId, `thread "${threadId}"`);
  return threadId;
}

async function followedThread(store: Store, flowId: string, runId: string): Promise<string> {
  const run = await store.getRunRecord(runId);
  if (!run) throw new R1flowError('RUN_NOT_FOUND', `no run "${runId}" to follow up`);
  checkSameFlow(flowId, run.flowId, `run "${runId}"`);
  const threadId = await store.openThread(runId);
  if (threadId === null) throw new R1flowError('RUN_NOT_FOUND', `no run "${runId}" to follow up`);
  return threadId;
}

function checkSameFlow(flowId: string, threadFlowId: string, what: string): void {
  if (threadFlowId === flowId) return;
  throw new R1flowError(
    'THREAD_OTHER_FLOW',
    `${what} belongs to flow "${threadFlowId}", not "${flowId}"; a thread stays within one flow`,
  );
}
