// Starting, watching and steering runs. A run's node states stream in over SSE (the browser's
// EventSource resumes with Last-Event-ID by itself); the stored details are fetched as nodes
// finish, so clicking a node shows its input and output while the run goes on.
import type { RunEvent, RunRecord } from '../api/api-types.ts';
import { describeError } from '../api/http-client.ts';
import {
  cancelRun,
  getRun,
  listRuns,
  listThreadRuns,
  rerun,
  runEventsUrl,
  startRun,
} from '../api/runs-api.ts';
import { notify } from '../state/notices-store.ts';
import { applyRunEvent, runStatusAfter, viewsFromNodeRuns } from './apply-run-event.ts';
import { runStore } from './run-store.ts';

const EVENT_TYPES: RunEvent['type'][] = [
  'run.queued',
  'run.started',
  'run.succeeded',
  'run.failed',
  'run.cancelled',
  'node.ready',
  'node.running',
  'node.progress',
  'node.succeeded',
  'node.failed',
  'node.retrying',
  'node.skipped',
  'node.cancelled',
];
const TERMINAL_RUN = new Set(['succeeded', 'failed', 'cancelled']);
const NODE_DONE = new Set(['node.succeeded', 'node.failed', 'node.skipped', 'node.cancelled']);

let stream: EventSource | null = null;
let detailsTimer: ReturnType<typeof setTimeout> | undefined;

/** Starts a run and shows it; with `followUpOf`, as the next turn of that run's thread. */
export async function runFlow(flowId: string, input: unknown, followUpOf?: string): Promise<void> {
  try {
    const run = await startRun(flowId, input, followUpOf);
    stopWatching();
    runStore.setState({ run, nodes: {}, details: null, thread: [] });
    watch(run.id);
    void refreshThread(run);
    void refreshRunHistory(flowId);
  } catch (error) {
    notify('error', `The ${followUpOf ? 'follow-up' : 'run'} did not start: ${describeError(error)}`, 'run');
  }
}

/** Shows a stored run (from the history), following it live when it is not finished. */
export async function showRun(runId: string): Promise<void> {
  stopWatching();
  try {
    const details = await getRun(runId);
    runStore.setState({ run: details.run, nodes: viewsFromNodeRuns(details.nodes), details, thread: [] });
    void refreshThread(details.run);
    if (!TERMINAL_RUN.has(details.run.status)) watch(runId);
  } catch (error) {
    notify('error', `Could not load run ${runId}: ${describeError(error)}`, 'run');
  }
}

/** Forgets the shown run and the run history: another flow is opening. */
export function clearShownRun(): void {
  stopWatching();
  runStore.setState({ run: null, nodes: {}, details: null, thread: [], history: [] });
}

export async function cancelShownRun(): Promise<void> {
  const run = runStore.getState().run;
  if (!run) return;
  try {
    await cancelRun(run.id);
  } catch (error) {
    notify('error', `Could not cancel: ${describeError(error)}`, 'run');
  }
}

/** Runs the shown run again with its input; from `fromNode` on, reusing the outputs upstream of it. */
export async function rerunShown(fromNode?: string): Promise<void> {
  const shown = runStore.getState().run;
  if (!shown) return;
  try {
    const run = await rerun(shown.id, fromNode);
    stopWatching();
    runStore.setState({ run, nodes: {}, details: null, thread: [] });
    watch(run.id);
    void refreshRunHistory(run.flowId);
  } catch (error) {
    notify('error', `The re-run did not start: ${describeError(error)}`, 'run');
  }
}

export async function refreshRunHistory(flowId: string): Promise<void> {
  try {
    const history = await listRuns(flowId);
    runStore.setState({ history });
  } catch {
    // the history is a convenience; the banner reports an unreachable server
  }
}

/** Loads the runs of `run`'s thread, to show the turns before it. */
async function refreshThread(run: RunRecord): Promise<void> {
  if (run.threadId === null) return;
  try {
    const thread = await listThreadRuns(run.threadId);
    runStore.setState((state) => (state.run?.id === run.id ? { thread } : state));
  } catch {
    // the earlier turns are context; the run itself is shown either way
  }
}

function watch(runId: string): void {
  const source = new EventSource(runEventsUrl(runId));
  stream = source;
  const onEvent = (message: MessageEvent<string>) => {
    const event = JSON.parse(message.data) as RunEvent;
    runStore.setState((state) => {
      if (state.run?.id !== event.runId) return state;
      const status = runStatusAfter(event);
      return {
        run: status ? { ...state.run, status } : state.run,
        nodes: applyRunEvent(state.nodes, event),
      };
    });
    if (NODE_DONE.has(event.type)) scheduleDetails(runId);
  };
  for (const type of EVENT_TYPES) source.addEventListener(type, onEvent);
  source.addEventListener('end', () => {
    stopWatching();
    void loadDetails(runId).then((details) => {
      if (details) void refreshRunHistory(details.run.flowId);
    });
  });
}

function scheduleDetails(runId: string): void {
  if (detailsTimer !== undefined) return;
  detailsTimer = setTimeout(() => {
    detailsTimer = undefined;
    void loadDetails(runId);
  }, 200);
}

async function loadDetails(runId: string) {
  try {
    const details = await getRun(runId);
    runStore.setState((state) => {
      if (state.run?.id !== runId) return state;
      const finished = TERMINAL_RUN.has(details.run.status);
      return {
        run: details.run,
        details,
        // While running, the stream is fresher than the stored rows; once finished, the rows are final.
        nodes: finished ? viewsFromNodeRuns(details.nodes) : state.nodes,
      };
    });
    return details;
  } catch {
    return null;
  }
}

function stopWatching(): void {
  stream?.close();
  stream = null;
  clearTimeout(detailsTimer);
  detailsTimer = undefined;
}
