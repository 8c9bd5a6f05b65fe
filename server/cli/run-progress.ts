// Live progress of a run on the terminal: on a TTY a table of nodes redrawn in place, otherwise
// one plain line per event (CI logs, pipes). Always on stderr, so stdout stays the result.
import type { RunEvent } from '../../engine/store/records.ts';

const SYMBOL: Record<string, string> = {
  pending: '·',
  running: '▶',
  retrying: '↻',
  succeeded: '✔',
  failed: '✖',
  skipped: '⤼',
  cancelled: '■',
};

interface NodeLine {
  status: string;
  attempt: number;
  startedAt: number | null;
  durationMs: number | null;
  detail: string;
}

export interface ProgressPrinter {
  onEvents(events: RunEvent[]): void;
  finish(): void;
}

export function createProgressPrinter(
  runId: string,
  nodeIds: string[],
  stream: NodeJS.WriteStream,
): ProgressPrinter {
  const lines = new Map<string, NodeLine>(
    nodeIds.map((id) => [
      id,
      { status: 'pending', attempt: 0, startedAt: null, durationMs: null, detail: '' },
    ]),
  );
  const tty = stream.isTTY === true;
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;

  const render = () => {
    if (drawn > 0) stream.write(`\u001b[${drawn}A`);
    const width = Math.max(...nodeIds.map((id) => id.length));
    const now = Date.now();
    for (const [id, line] of lines) {
      const ms = line.durationMs ?? (line.startedAt ? now - line.startedAt : null);
      const time = ms === null ? '' : `${(ms / 1000).toFixed(1)}s`;
      const attempt = line.attempt > 1 ? ` attempt ${line.attempt}` : '';
      stream.write(
        `\u001b[2K ${SYMBOL[line.status] ?? '?'} ${id.padEnd(width)}  ${line.status.padEnd(9)} ${time.padStart(7)}${attempt} ${line.detail}\n`,
      );
    }
    drawn = lines.size;
  };

  if (tty) timer = setInterval(render, 200);

  return {
    onEvents(events) {
      for (const event of events) {
        if (event.runId !== runId) continue;
        if (!tty) stream.write(`${new Date(event.at).toISOString().slice(11, 23)} ${describe(event)}\n`);
        if (!event.nodeId) continue;
        const line = lines.get(event.nodeId);
        if (!line) continue;
        applyEvent(line, event);
      }
      if (tty) render();
    },
    finish() {
      if (timer) clearInterval(timer);
      if (tty) render();
    },
  };
}

function applyEvent(line: NodeLine, event: RunEvent): void {
  const data = event.data ?? {};
  switch (event.type) {
    case 'node.running':
      line.status = 'running';
      line.attempt = Number(data.attempt ?? 1);
      line.startedAt = event.at;
      line.durationMs = null;
      line.detail = '';
      break;
    case 'node.progress':
      line.detail = String(data.message ?? '');
      break;
    case 'node.retrying':
      line.status = 'retrying';
      line.detail = errorText(data.error);
      break;
    case 'node.succeeded':
      line.status = 'succeeded';
      line.durationMs = Number(data.durationMs ?? 0);
      line.detail = '';
      break;
    case 'node.failed':
      line.status = 'failed';
      line.detail = errorText(data.error);
      break;
    case 'node.skipped':
    case 'node.cancelled':
      line.status = event.type.slice(5);
      line.detail = String(data.reason ?? '');
      break;
    default:
      break;
  }
}

function describe(event: RunEvent): string {
  const data = event.data ?? {};
  const subject = event.nodeId ? `node ${event.nodeId}` : `run ${event.runId}`;
  const verb = event.type.slice(event.type.indexOf('.') + 1);
  const extras: string[] = [];
  if (data.attempt !== undefined && Number(data.attempt) > 1) extras.push(`attempt ${data.attempt}`);
  if (data.durationMs !== undefined) extras.push(`${data.durationMs} ms`);
  if (data.message !== undefined) extras.push(String(data.message));
  // A run that failed because a node did names the node only: that node's line carries the error.
  const failedNode = event.nodeId ? undefined : nodeOf(data.error);
  if (failedNode !== undefined) extras.push(`at node "${failedNode}"`);
  else if (data.error !== undefined) extras.push(errorText(data.error));
  if (data.reason !== undefined) extras.push(String(data.reason));
  return `${subject} ${verb}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`;
}

function errorText(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) {
    return `${String(error.code)}: ${String(error.message)}`;
  }
  return String(error ?? '');
}

function nodeOf(error: unknown): string | undefined {
  return error && typeof error === 'object' && 'nodeId' in error && typeof error.nodeId === 'string'
    ? error.nodeId
    : undefined;
}
