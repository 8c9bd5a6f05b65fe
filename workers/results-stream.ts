// Results travel from workers to the orchestrator's transport through a Redis stream instead of
// BullMQ's QueueEvents (whose streams are trimmed and can drop events) or a BullMQ queue (two Lua
// scripts a result). Workers XADD; the transport reads in bulk from where it left off and XDELs
// what it delivered, so a result survives a restart of either side until it has been handed over.
// A crash between delivery and XDEL hands a result over twice; the engine ignores the repeat.
import type { Redis } from 'ioredis';
import type { Logger } from '../engine/define-node.ts';
import type { JobResult } from '../engine/transport.ts';
import { parseJobResult } from './job-payload.ts';

const JOB_FIELD = 'job';
const RESULT_FIELD = 'result';

/** Appends one result (JSON already size-checked). Use a connection with auto-pipelining. */
export async function postResult(redis: Redis, key: string, jobId: string, json: string): Promise<void> {
  await redis.xadd(key, '*', JOB_FIELD, jobId, RESULT_FIELD, json);
}

export interface StreamedResult {
  jobId: string;
  /** Undefined when the entry does not hold a valid JobResult. */
  result: JobResult | undefined;
}

export interface ResultsReader {
  stop(): Promise<void>;
}

export interface ResultsReaderOptions {
  /** A connection of its own: it blocks in XREAD. */
  reader: Redis;
  /** Any other connection, for XDEL. */
  writer: Redis;
  key: string;
  onResults: (results: StreamedResult[]) => void;
  logger: Logger;
  /** Most entries handed over at once. */
  batchSize?: number;
}

export function startResultsReader(options: ResultsReaderOptions): ResultsReader {
  const { reader, writer, key, logger } = options;
  let stopped = false;
  // A blocked XREAD on a connection that is reconnecting never settles, not even on disconnect.
  let wake: (value: null) => void = () => {};
  const stopping = new Promise<null>((resolve) => {
    wake = resolve;
  });
  const loop = (async () => {
    // Everything still in the stream is undelivered: start at the beginning.
    let lastId = '0-0';
    while (!stopped) {
      let reply: [string, [string, string[]][]][] | null;
      try {
        const read = reader.xread('COUNT', options.batchSize ?? 1000, 'BLOCK', 1000, 'STREAMS', key, lastId);
        reply = (await Promise.race([read, stopping])) as [string, [string, string[]][]][] | null;
      } catch (error) {
        if (stopped) break;
        logger.warn('reading job results failed; retrying', { error: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      lastId = entries.at(-1)![0];
      options.onResults(entries.map(([, fields]) => decodeEntry(fields)));
      writer.xdel(key, ...entries.map(([id]) => id)).catch((error: Error) => {
        logger.warn('deleting delivered job results failed; they may be delivered again', {
          error: error.message,
        });
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake(null);
      reader.disconnect();
      await loop;
    },
  };
}

/** Job ids of results not yet delivered (for reconcile and the lost-job audit). */
export async function pendingResultJobIds(redis: Redis, key: string): Promise<Set<string>> {
  const entries = (await redis.xrange(key, '-', '+')) as [string, string[]][];
  return new Set(entries.map(([, fields]) => fieldOf(fields, JOB_FIELD) ?? ''));
}

function decodeEntry(fields: string[]): StreamedResult {
  const json = fieldOf(fields, RESULT_FIELD);
  return {
    jobId: fieldOf(fields, JOB_FIELD) ?? '',
    result: json === undefined ? undefined : parseJobResult(json),
  };
}

/** A stream entry's fields come as a flat [name, value, name, value, ...] list. */
function fieldOf(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
