// Results travel from workers to the orchestrators' transports through one Redis stream instead of
// BullMQ's QueueEvents (whose streams are trimmed and can drop events) or a BullMQ queue (two Lua
// scripts a result). Workers XADD, naming the job and its run; several orchestrators may read the
// stream (a cluster on one Redis), and each hands over only the results of the runs it drives,
// leaving the rest to their own drivers. An entry is deleted once its driver has stored what the
// result changed (acknowledged), not when it was read: a driver that dies in between leaves the
// result for whoever takes its runs over. Entries nobody drives are found by `scanResults`.
import type { Redis } from 'ioredis';
import type { Logger } from '../engine/define-node.ts';
import type { JobResult } from '../engine/transport.ts';
import { parseJobResult } from './job-payload.ts';

const JOB_FIELD = 'job';
const RUN_FIELD = 'run';
const RESULT_FIELD = 'result';

/** The XADD arguments after the key (the finish script in job-claims.ts uses the same layout). */
export function resultEntryFields(jobId: string, runId: string, json: string): string[] {
  return [JOB_FIELD, jobId, RUN_FIELD, runId, RESULT_FIELD, json];
}

/** Appends one result (JSON already size-checked). Use a connection with auto-pipelining. */
export async function postResult(
  redis: Redis,
  key: string,
  result: { jobId: string; runId: string },
  json: string,
): Promise<void> {
  await redis.xadd(key, '*', ...resultEntryFields(result.jobId, result.runId, json));
}

export interface StreamedResult {
  /** The stream entry's id, to delete it once acknowledged. */
  entryId: string;
  jobId: string;
  runId: string;
  /** Undefined when the entry does not hold a valid JobResult. */
  result: JobResult | undefined;
}

export interface ResultsReader {
  stop(): Promise<void>;
}

export interface ResultsReaderOptions {
  /** A connection of its own: it blocks in XREAD. */
  reader: Redis;
  key: string;
  /** Whether this reader hands over the result; other entries stay for their own driver. */
  drives: (runId: string, jobId: string) => boolean;
  onResults: (results: StreamedResult[]) => void;
  logger: Logger;
  /** Most entries read at once. */
  batchSize?: number;
}

type StreamEntry = [id: string, fields: string[]];

/** Follows the stream's tail from its beginning, handing over the entries of runs this reader drives. */
export function startResultsReader(options: ResultsReaderOptions): ResultsReader {
  const { reader, key, logger, drives } = options;
  let stopped = false;
  // A blocked XREAD on a connection that is reconnecting never settles, not even on disconnect.
  let wake: (value: null) => void = () => {};
  const stopping = new Promise<null>((resolve) => {
    wake = resolve;
  });
  const loop = (async () => {
    // Everything still in the stream is unacknowledged: start at the beginning.
    let lastId = '0-0';
    while (!stopped) {
      let reply: [string, StreamEntry[]][] | null;
      try {
        const read = reader.xread('COUNT', options.batchSize ?? 1000, 'BLOCK', 1000, 'STREAMS', key, lastId);
        reply = (await Promise.race([read, stopping])) as [string, StreamEntry[]][] | null;
      } catch (error) {
        if (stopped) break;
        logger.warn('reading job results failed; retrying', { error: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      lastId = entries.at(-1)![0];
      const mine = entries.filter(([, fields]) => drives(runOf(fields), fieldOf(fields, JOB_FIELD) ?? ''));
      if (mine.length > 0) options.onResults(mine.map(decodeEntry));
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

/**
 * Every entry now in the stream whose run `wanted` accepts, oldest first, read in pages: for runs
 * taken over from another driver, and for entries whose run nobody drives any more.
 */
export async function scanResults(
  redis: Redis,
  key: string,
  wanted: (runId: string, entryId: string) => boolean,
): Promise<StreamedResult[]> {
  const found: StreamedResult[] = [];
  let start = '-';
  for (;;) {
    const page = (await redis.xrange(key, start, '+', 'COUNT', SCAN_PAGE)) as StreamEntry[];
    for (const [id, fields] of page) if (wanted(runOf(fields), id)) found.push(decodeEntry([id, fields]));
    if (page.length < SCAN_PAGE) return found;
    start = `(${page.at(-1)![0]}`;
  }
}

const SCAN_PAGE = 1000;

/** Deletes acknowledged entries; a failure only means they may be handed over again. */
export function deleteResults(redis: Redis, key: string, entryIds: readonly string[], logger: Logger): void {
  if (entryIds.length === 0) return;
  redis.xdel(key, ...entryIds).catch((error: Error) => {
    logger.warn('deleting acknowledged job results failed; they may be delivered again', {
      error: error.message,
    });
  });
}

/** Job ids of results not yet acknowledged (for the lost-job audit). */
export async function pendingResultJobIds(redis: Redis, key: string): Promise<Set<string>> {
  const entries = (await redis.xrange(key, '-', '+')) as StreamEntry[];
  return new Set(entries.map(([, fields]) => fieldOf(fields, JOB_FIELD) ?? ''));
}

/** The time (ms) Redis gave an entry id `<ms>-<seq>`. */
export function entryTime(entryId: string): number {
  return Number(entryId.slice(0, entryId.indexOf('-')));
}

function decodeEntry([entryId, fields]: StreamEntry): StreamedResult {
  const json = fieldOf(fields, RESULT_FIELD);
  const result = json === undefined ? undefined : parseJobResult(json);
  return { entryId, jobId: fieldOf(fields, JOB_FIELD) ?? '', runId: runOf(fields), result };
}

function runOf(fields: string[]): string {
  return fieldOf(fields, RUN_FIELD) ?? '';
}

/** A stream entry's fields come as a flat [name, value, name, value, ...] list. */
function fieldOf(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
