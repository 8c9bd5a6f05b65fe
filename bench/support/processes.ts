// Other processes of a queue-mode benchmark: worker processes it spawns (each says "ready", prints
// its CPU time on SIGUSR2 and stops on SIGTERM), and the CPU and command counters of the servers
// it talks to (Redis, PostgreSQL).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));
const R1FLOW_WORKER = fileURLToPath(new URL('./r1flow-worker.ts', import.meta.url));

/** Node jobs one worker process runs at once (per prefix it serves). */
export const WORKER_CONCURRENCY = 50;

/** This process's CPU time (user + system) so far, in ms. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return Math.round((user + system) / 1000);
}

/** For a spawned benchmark process: says "ready", prints its CPU time on SIGUSR2, returns on SIGTERM. */
export async function serveUntilSigterm(): Promise<void> {
  process.on('SIGUSR2', () => console.log(`cpu ${cpuMs()}`));
  console.log('ready');
  await new Promise((resolve) => process.once('SIGTERM', resolve));
}

/** Runs a TypeScript file as a benchmark process; `next` waits for its next output line matching a pattern. */
export function startChild(file: string, args: string[]) {
  const child = spawn(process.execPath, [RUN_TS, file, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let buffered = '';
  const lines: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const complete = buffered.split('\n');
    buffered = complete.pop()!;
    lines.push(...complete);
  });
  let read = 0;
  const next = async (pattern: RegExp): Promise<string> => {
    for (;;) {
      while (read < lines.length) {
        const line = lines[read++]!;
        if (pattern.test(line)) return line;
      }
      if (child.exitCode !== null) throw new Error(`benchmark process exited: ${lines.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  return {
    next,
    async cpuMs() {
      child.kill('SIGUSR2');
      return Number((await next(/^cpu /)).split(' ')[1]);
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
export type Child = ReturnType<typeof startChild>;

/** An `r1flow worker`-equivalent process (no-op nodes, cpu lane) serving each of `prefixes`; ready when returned. */
export async function startR1flowWorker(redisUrl: string, prefixes: string[]): Promise<Child> {
  const child = startChild(R1FLOW_WORKER, [redisUrl, ...prefixes]);
  await child.next(/^ready/);
  return child;
}

/** Redis's own CPU (ms) and commands processed so far (commands run by Lua scripts included). */
export async function redisCounters(redis: Redis): Promise<{ cpuMs: number; commands: number }> {
  const info = await redis.info();
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return {
    cpuMs: Math.round((field('used_cpu_user') + field('used_cpu_sys')) * 1000),
    commands: field('total_commands_processed'),
  };
}

/** Calls so far per Redis command (INFO commandstats; `evalsha` counts scripts, their commands count too). */
export async function redisCommandCalls(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  return new Map([...info.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
}

/**
 * CPU time (ms) of a PostgreSQL cluster so far, from /proc: its postmaster, the children it has
 * reaped (backends of closed connections) and its live children (backends, background writers).
 * `dir` is the cluster's directory (tests/support/postgres-server.ts).
 */
export function postgresCpuMs(dir: string): number {
  const postmaster = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  let ticks = 0;
  for (const pid of [postmaster, ...childPids(postmaster)]) {
    try {
      // Fields after the command's closing parenthesis: utime [11], stime [12], then the reaped
      // children's cutime [13], cstime [14].
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      if (pid === postmaster) ticks += Number(fields[13]) + Number(fields[14]);
    } catch {
      // Exited meanwhile.
    }
  }
  return Math.round(ticks / ticksPerMs);
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export interface Probes {
  /** Any connection to the Redis the benchmark uses. */
  redis: Redis;
  /** Worker processes whose CPU counts. */
  workers: Child[];
  /** The PostgreSQL cluster's directory, when its CPU counts. */
  postgresDir?: string;
}

/** Wall time, CPU of this process, the workers, Redis and PostgreSQL, and Redis commands, across `work`. */
export async function measure(probes: Probes, work: () => Promise<void>) {
  const { redis, workers, postgresDir } = probes;
  const workersCpu = async () =>
    (await Promise.all(workers.map((w) => w.cpuMs()))).reduce((a, b) => a + b, 0);
  const redisBefore = await redisCounters(redis);
  const callsBefore = await redisCommandCalls(redis);
  const workerBefore = await workersCpu();
  const postgresBefore = postgresDir ? postgresCpuMs(postgresDir) : 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const postgresAfter = postgresDir ? postgresCpuMs(postgresDir) : 0;
  const workerCpuMs = (await workersCpu()) - workerBefore;
  const callsAfter = await redisCommandCalls(redis);
  const redisAfter = await redisCounters(redis);
  const commandCalls = new Map<string, number>();
  for (const [command, calls] of callsAfter) {
    const delta = calls - (callsBefore.get(command) ?? 0);
    if (delta > 0) commandCalls.set(command, delta);
  }
  return {
    elapsedMs,
    thisCpuMs: (cpu.user + cpu.system) / 1000,
    workerCpuMs,
    redisCpuMs: redisAfter.cpuMs - redisBefore.cpuMs,
    redisCommands: redisAfter.commands - redisBefore.commands,
    /** Calls per Redis command (the INFO calls of the measurement itself included, a handful). */
    commandCalls,
    postgresCpuMs: postgresAfter - postgresBefore,
  };
}

export function perUnit(value: number, units: number, digits = 4): number {
  return Number((value / units).toFixed(digits));
}

/** Calls per unit of each Redis command called at least `min` times per unit, most first. */
export function commandsPerUnit(
  calls: Map<string, number>,
  units: number,
  min = 0.05,
): Record<string, number> {
  return Object.fromEntries(
    [...calls]
      .map(([command, count]) => [command, perUnit(count, units, 2)] as const)
      .filter(([, perOne]) => perOne >= min)
      .sort((a, b) => b[1] - a[1]),
  );
}

/** The round with the median value of `key`. */
export function medianBy<T>(rounds: T[], key: keyof T): T {
  return [...rounds].sort((a, b) => Number(a[key]) - Number(b[key]))[Math.floor(rounds.length / 2)]!;
}
