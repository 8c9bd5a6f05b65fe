// A real r1flow HTTP server on 127.0.0.1 for tests: temp store, inline transport, test node types.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostSettings } from '../../engine/host-settings.ts';
import { silentLogger } from '../../engine/node-context.ts';
import type { ReplayGuard } from '../../server/auth/replay-guard.ts';
import {
  type CreateServerOptions,
  createServer,
  type R1flowServer,
} from '../../server/http/create-server.ts';
import { createRuntime, type Runtime } from '../../server/runtime/local-runtime.ts';
import type { Clock } from '../../server/triggers/clock.ts';
import type { RateLimits } from '../../server/triggers/rate-limits.ts';
import { ScheduleRunner } from '../../server/triggers/schedule-runner.ts';
import { TEST_PLUGINS } from './cli.ts';

export interface ServerHarness {
  url: string;
  dir: string;
  /** The SQLite store file in `dir` (two harnesses given one `dir` share it). */
  storePath: string;
  runtime: Runtime;
  server: R1flowServer;
  api(
    path: string,
    init?: RequestInit & { json?: unknown; key?: string },
    // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies freely.
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startTestServer(
  options: {
    requireKey?: boolean;
    dir?: string;
    serverKey?: Buffer;
    editorDir?: string;
    publicUrl?: string;
    trustProxy?: boolean | string;
    replayGuard?: ReplayGuard;
    /** Webhook rate limits (e.g. Redis's, shared by two harnesses); this process's unless given. */
    rateLimits?: RateLimits;
    /** Schedules fire on this clock instead of the wall clock. */
    scheduleClock?: Clock;
    /** What fires schedules (e.g. BullMQ job schedulers); in-process timers unless given. */
    scheduleDriver?: CreateServerOptions['scheduleDriver'];
    /** The host's settings (model server, warehouse, index directory…); the process environment when absent. */
    settings?: HostSettings;
  } = {},
): Promise<ServerHarness> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'r1flow-server-'));
  process.env.R1FLOW_PLUGINS = TEST_PLUGINS;
  const storePath = join(dir, 'r1.db');
  const runtime = await createRuntime({
    storeLocation: storePath,
    leaseMs: 2000,
    ...(options.settings ? { settings: options.settings } : {}),
  });
  const clock = options.scheduleClock;
  const server = createServer({
    runtime,
    serverKey: options.serverKey ?? randomBytes(32),
    logger: silentLogger,
    requireKey: options.requireKey ?? false,
    publicUrl: options.publicUrl ?? 'http://127.0.0.1',
    version: 'test',
    trustProxy: options.trustProxy ?? false,
    ...(options.editorDir ? { editorDir: options.editorDir } : {}),
    ...(options.replayGuard ? { replayGuard: options.replayGuard } : {}),
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    ...(clock ? { scheduleDriver: (o) => new ScheduleRunner({ ...o, clock }) } : {}),
    ...(options.scheduleDriver ? { scheduleDriver: options.scheduleDriver } : {}),
  });
  await runtime.orchestrator.start();
  await server.schedules.start();
  const url = await server.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    dir,
    storePath,
    runtime,
    server,
    async api(path, init = {}) {
      const { json, key, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (json !== undefined) headers.set('content-type', 'application/json');
      if (key) headers.set('authorization', `Bearer ${key}`);
      const response = await fetch(`${url}${path}`, {
        ...rest,
        headers,
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // not JSON (SSE, metrics)
      }
      return { status: response.status, body, headers: response.headers };
    },
    async close() {
      await server.close();
      await runtime.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
