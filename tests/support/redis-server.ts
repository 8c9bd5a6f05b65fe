// A real redis-server (Debian's /usr/bin/redis-server) for tests: a free 127.0.0.1 port, a temp
// dir, AOF on (`appendonly yes`) so a restart keeps what was written (or, with `persistence: none`,
// nothing kept at all), and nothing saved elsewhere.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  port: number;
  dir: string;
  /** Graceful stop (SIGTERM: Redis flushes the AOF), then start again on the same port and dir. */
  restart(options?: { downMs?: number }): Promise<void>;
  /** Stops the server, leaving the dir (a later `start()` reuses it). */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its dir. */
  close(): Promise<void>;
}

/** `none`: no AOF and no snapshots, so a restart comes back empty (as a cache-configured Redis does). */
export async function startRedisServer(options: { persistence?: 'aof' | 'none' } = {}): Promise<RedisServer> {
  const aof = (options.persistence ?? 'aof') === 'aof' ? 'yes' : 'no';
  const dir = mkdtempSync(join(tmpdir(), 'r1flow-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', aof];
    args.push('--save', '', '--daemonize', 'no', '--logfile', join(dir, 'redis.log'));
    child = spawn('redis-server', args, { stdio: 'ignore' });
    const current = child;
    exited = new Promise((resolve) => current.once('exit', () => resolve()));
    await waitUntilAccepting(port, exited);
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    start,
    stop,
    async restart({ downMs = 0 } = {}) {
      await stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await start();
    },
    async close() {
      await stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A port nothing listens on right now (for "Redis unreachable" tests too). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAccepting(port: number, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`redis-server on port ${port} exited at start (see its log in the temp dir)`);
    if (await answersPing(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server on port ${port} did not start within 10 s`);
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
