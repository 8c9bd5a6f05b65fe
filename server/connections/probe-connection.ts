// `connections test`: whether a connection answers, in a few seconds at most. Postgres connects and
// runs SELECT 1; a model server lists its models; a SQLite or DuckDB file opens read-only; Milvus
// accepts a TCP connection; an HTTP endpoint answers HEAD. Failures come back as a message (never thrown), already scrubbed of the
// address, so the caller can show and store it.

import { existsSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import pg from 'pg';
import { scrubSecrets } from '../../engine/connection-redaction.ts';
import type { ResolvedConnection } from '../../engine/connections.ts';
import { splitApiKey } from '../../nodes/llm/model-server-connection.ts';
import { DEFAULT_MILVUS_PORT } from './connection-address.ts';

export interface ProbeResult {
  ok: boolean;
  /** What was found, e.g. `SELECT 1 answered`; on failure the cause, naming the connection. */
  message: string;
}

export const PROBE_TIMEOUT_MS = 5000;

export async function probeConnection(
  connection: ResolvedConnection,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<ProbeResult> {
  try {
    const found = await PROBES[connection.kind](connection.url, timeoutMs);
    return { ok: true, message: found };
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      message: `connection "${connection.name}" (${connection.kind}) failed: ${scrubSecrets(cause, connection.url) || 'no reason given'}`,
    };
  }
}

const PROBES: Record<ResolvedConnection['kind'], (url: string, timeoutMs: number) => Promise<string>> = {
  postgres: probePostgres,
  openai: probeModelServer,
  sqlite: probeSqlite,
  duckdb: probeDuckdb,
  milvus: probeTcp,
  http: probeHttp,
};

async function probePostgres(url: string, timeoutMs: number): Promise<string> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: 'r1flow connections test',
  });
  // A connection dropped after the test must not crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return 'connected; SELECT 1 answered';
  } finally {
    await client.end().catch(() => {});
  }
}

async function probeModelServer(url: string, timeoutMs: number): Promise<string> {
  const { baseUrl, apiKey } = splitApiKey(url);
  const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/models`, {
    headers: { accept: 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    signal: AbortSignal.timeout(timeoutMs),
  }).catch((error: unknown) => {
    throw new Error(networkFailure(error, timeoutMs));
  });
  if (!response.ok) throw new Error(`GET /models answered HTTP ${response.status}`);
  const body = (await response.json().catch(() => null)) as { data?: { id?: unknown }[] } | null;
  if (!Array.isArray(body?.data)) throw new Error('GET /models did not answer an OpenAI-style model list');
  const ids = body.data.map((model) => String(model.id)).slice(0, 3);
  return `GET /models lists ${body.data.length} model(s)${ids.length ? `: ${ids.join(', ')}` : ''}`;
}

/** HEAD on the base URL: any HTTP answer means the endpoint is there (nothing is posted). */
async function probeHttp(url: string, timeoutMs: number): Promise<string> {
  const base = url.replace(/#.*$/s, '');
  const response = await fetch(base, {
    method: 'HEAD',
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  }).catch((error: unknown) => {
    throw new Error(networkFailure(error, timeoutMs));
  });
  return `HEAD answered HTTP ${response.status}`;
}

async function probeSqlite(path: string): Promise<string> {
  if (!existsSync(path)) throw new Error('the file does not exist');
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
      .pluck()
      .get() as number;
    return `opened read-only; ${tables} table(s)`;
  } finally {
    db.close();
  }
}

async function probeDuckdb(path: string): Promise<string> {
  if (!existsSync(path)) throw new Error('the file does not exist');
  const instance = await DuckDBInstance.create(path, {
    access_mode: 'READ_ONLY',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  try {
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(
        "SELECT count(*) FROM information_schema.tables WHERE table_type = 'BASE TABLE'",
      );
      return `opened read-only; ${String(reader.getRows()[0]?.[0] ?? 0)} table(s)`;
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

function probeTcp(url: string, timeoutMs: number): Promise<string> {
  const { hostname, port } = new URL(url);
  const target = { host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || DEFAULT_MILVUS_PORT) };
  return new Promise((resolve, reject) => {
    const socket = connectTcp(target);
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.once('connect', () => {
      socket.destroy();
      resolve(`TCP port ${target.port} accepts connections`);
    });
    socket.once('error', (error) => reject(new Error(networkFailure(error, timeoutMs))));
  });
}

function networkFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const code =
    (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}
