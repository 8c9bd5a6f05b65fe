// Server-Sent Events from the run event log. Each event carries its store sequence number as its
// id, so a client that reconnects with Last-Event-ID gets exactly what it missed. Events of runs
// driven by other processes on the same store are picked up by polling the log. A stream ends
// when the key behind it is revoked or its session expires (checked on every poll). A stream
// outlives a store outage: the heartbeat keeps the client, and polling resumes from the last
// event sent once the store answers, so the client misses nothing.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TERMINAL_RUN_STATUSES } from '../../engine/run-machine.ts';
import type { RunEvent } from '../../engine/store/records.ts';
import { isStoreUnavailable, outageDelayMs } from '../../engine/store/store-outage.ts';
import { credentialHolds } from './auth-hook.ts';
import type { ServerContext } from './server-context.ts';

const POLL_MS = 500;
const HEARTBEAT_MS = 15_000;

export async function streamRunEvents(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { runId?: string; after?: number; projects?: readonly string[] },
): Promise<void> {
  const shown = options.projects ? runsOfProjects(context, options.projects) : () => Promise.resolve(true);
  const { store, orchestrator } = context.runtime;
  const lastEventId = Number(request.headers['last-event-id']);
  let after = Number.isFinite(lastEventId) ? lastEventId : (options.after ?? 0);
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write('retry: 2000\n\n');

  let closed = false;
  let wake: () => void = () => {};
  const unsubscribe = orchestrator.onEvents((events) => {
    if (events.some((event) => options.runId === undefined || event.runId === options.runId)) wake();
  });
  const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
  request.raw.on('close', () => {
    closed = true;
    wake();
  });

  /** One poll: whether the stream ended, has more to read at once, or waits for the next poll. */
  const poll = async (): Promise<'end' | 'more' | 'wait'> => {
    if (!(await credentialHolds(context, request))) {
      const error = {
        code: 'AUTH_FORBIDDEN',
        message: 'the API key behind this stream was revoked or its session expired',
      };
      raw.write(`event: error\ndata: ${JSON.stringify(error)}\n\n`);
      return 'end';
    }
    const events = await store.readEvents({
      ...(options.runId ? { runId: options.runId } : {}),
      afterSeq: after,
      limit: 500,
    });
    for (const event of events) {
      if (await shown(event.runId)) raw.write(formatEvent(event));
      after = event.seq;
    }
    if (options.runId && events.some(isRunEnd)) {
      raw.write(`event: end\ndata: ${JSON.stringify({ runId: options.runId })}\n\n`);
      return 'end';
    }
    if (options.runId && events.length === 0) {
      const stored = await store.getRun(options.runId);
      if (stored && TERMINAL_RUN_STATUSES.has(stored.run.status)) {
        raw.write(`event: end\ndata: ${JSON.stringify({ runId: options.runId })}\n\n`);
        return 'end';
      }
    }
    return events.length === 500 ? 'more' : 'wait';
  };

  try {
    let outageRetry = 0;
    while (!closed) {
      let next: 'end' | 'more' | 'wait';
      try {
        next = await poll();
        outageRetry = 0;
      } catch (error) {
        if (!isStoreUnavailable(error)) throw error;
        next = 'wait';
        outageRetry++;
      }
      if (next === 'end') break;
      if (next === 'more') continue;
      const waitMs = outageRetry === 0 ? POLL_MS : Math.max(POLL_MS, outageDelayMs(outageRetry));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    clearInterval(heartbeat);
    unsubscribe();
    raw.end();
  }
}

function isRunEnd(event: RunEvent): boolean {
  return event.type === 'run.succeeded' || event.type === 'run.failed' || event.type === 'run.cancelled';
}

function formatEvent(event: RunEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Whether a run is in one of `projects`; a run's project never changes, so each is read once. */
function runsOfProjects(context: ServerContext, projects: readonly string[]) {
  const allowed = new Set(projects);
  const known = new Map<string, boolean>();
  return async (runId: string): Promise<boolean> => {
    let shown = known.get(runId);
    if (shown === undefined) {
      const run = await context.runtime.store.getRunRecord(runId);
      shown = run !== null && allowed.has(run.project);
      known.set(runId, shown);
    }
    return shown;
  };
}
