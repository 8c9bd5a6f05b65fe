// bench/queue-breakdown: where a queue-mode node's Redis commands and orchestrator CPU go, for the
// queue-overhead setup (runs of a 5-node no-op flow, all in flight, one worker process, SQLite or
// PostgreSQL store). Two passes after a warm-up: (1) every Redis command seen through MONITOR,
// counted per node by the connection that sent it (orchestrator or worker, by connection name)
// and by command or Lua script (BullMQ's scripts named by their SHA; the commands a script runs
// counted under it); (2) a CPU profile of this process (the orchestrator) through the inspector,
// self time summed by where the code lives, with the top functions. MONITOR slows Redis down, so
// pass 1 counts only; pass 2 runs without it.
//   node bin/run-ts.js bench/queue-breakdown.ts [sqlite|postgresql]
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { silentLogger } from '../engine/node-context.ts';
import { openStore } from '../engine/store/open-store.ts';
import { startPostgresServer } from '../tests/support/postgres-server.ts';
import { startRedisServer } from '../tests/support/redis-server.ts';
import { closeRedis, openRedis } from '../workers/redis-connection.ts';
import { perUnit, startR1flowWorker } from './support/processes.ts';
import { startQueueOrchestrator } from './support/queue-orchestrator.ts';
import { writeResult } from './support/results.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 300);
const NODES = 5;
const store = process.argv[2] === 'postgresql' ? 'postgresql' : 'sqlite';

const redis = await startRedisServer();
const admin = openRedis(redis.url, 'bench-admin', silentLogger);
const postgres = store === 'postgresql' ? await startPostgresServer() : undefined;
const dir = mkdtempSync(join(tmpdir(), 'r1flow-bench-'));
const worker = await startR1flowWorker(redis.url, ['r1flow']);
const location = postgres ? await postgres.createDatabase('breakdown') : join(dir, 'bench.db');
const r1flow = await startQueueOrchestrator({
  store: await openStore(location),
  redisUrl: redis.url,
  prefix: 'r1flow',
  nodes: NODES,
});
try {
  await r1flow.runMany(100, 100);
  const executions = RUNS * NODES;
  const redisCommands = await countCommands(admin, () => r1flow.runMany(RUNS, RUNS), executions);
  const orchestratorCpu = await profile(() => r1flow.runMany(RUNS, RUNS), executions);
  const path = writeResult(
    `queue-breakdown-${store}`,
    `node bin/run-ts.js bench/queue-breakdown.ts ${store}`,
    {
      store,
      runs: RUNS,
      nodesPerRun: NODES,
      runsInFlight: RUNS,
      redisCommands,
      orchestratorCpu,
    },
  );
  console.log(
    `queue-breakdown (${store}): ${redisCommands.perNode} Redis commands per node (orchestrator ` +
      `${redisCommands.bySide.orchestrator}, worker ${redisCommands.bySide.worker}); orchestrator CPU ` +
      `${orchestratorCpu.msPerNode} ms per node (profiled) → ${path}`,
  );
} finally {
  await r1flow.close();
  await worker.stop();
  await closeRedis(admin);
  await redis.close();
  await postgres?.close();
  rmSync(dir, { recursive: true, force: true });
}

/** Redis commands per node across `work`, from MONITOR: by side, and by command or script. */
async function countCommands(admin: Redis, work: () => Promise<void>, units: number) {
  const scripts = await bullmqScriptNames();
  const monitor = await admin.monitor();
  const lines: { args: string[]; source: string }[] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => lines.push({ args, source }));
  await work();
  monitor.disconnect();
  const clients = new Map(
    String(await admin.client('LIST'))
      .split('\n')
      .map((line) => [/ addr=(\S+)/.exec(line)?.[1], /name=(\S*)/.exec(line)?.[1] ?? ''] as const),
  );
  const sideOf = (source: string) => {
    const name = clients.get(source) ?? '';
    if (name.startsWith('r1flow-worker')) return 'worker';
    if (/^r1flow-(transport|results-reader|progress)$/.test(name)) return 'orchestrator';
    return 'other';
  };
  const counts = new Map<string, number>();
  const bump = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const bySide = { orchestrator: 0, worker: 0, other: 0 };
  let caller: { side: keyof typeof bySide; label: string } = { side: 'other', label: '' };
  for (const { args, source } of lines) {
    const command = args[0]!.toLowerCase();
    if (source === 'lua') {
      // A script's own commands come right after the EVAL/EVALSHA that ran it.
      bySide[caller.side]++;
      bump(`${caller.side} ${caller.label} → ${command}`);
      continue;
    }
    const side = sideOf(source) as keyof typeof bySide;
    const label =
      command === 'evalsha'
        ? `evalsha ${scripts.get(args[1]!) ?? args[1]!.slice(0, 8)}`
        : command === 'eval'
          ? `eval ${r1flowScriptName(args[1]!)}`
          : command;
    caller = { side, label };
    bySide[side]++;
    bump(`${side} ${label}`);
  }
  const total = bySide.orchestrator + bySide.worker + bySide.other;
  return {
    perNode: perUnit(total, units, 2),
    bySide: {
      orchestrator: perUnit(bySide.orchestrator, units, 2),
      worker: perUnit(bySide.worker, units, 2),
      other: perUnit(bySide.other, units, 2),
    },
    /** "side command" for commands a client sent, "side script → command" for what a script ran. */
    byCommand: Object.fromEntries(
      [...counts]
        .map(([key, n]) => [key, perUnit(n, units, 2)] as const)
        .filter(([, perNode]) => perNode >= 0.01)
        .sort((a, b) => b[1] - a[1]),
    ),
  };
}

/** BullMQ's Lua scripts by the SHA1 ioredis sends with EVALSHA. */
async function bullmqScriptNames(): Promise<Map<string, string>> {
  const index = new URL('../node_modules/bullmq/dist/esm/scripts/index.js', import.meta.url);
  const scripts = (await import(index.href)) as Record<string, { name: string; content: string }>;
  return new Map(
    Object.values(scripts).map(({ name, content }) => [
      createHash('sha1').update(content).digest('hex'),
      name,
    ]),
  );
}

/** r1flow's own scripts (workers/job-claims.ts), sent with EVAL. */
function r1flowScriptName(script: string): string {
  if (script.includes("'INCR'")) return 'claimJob';
  if (script.includes("'XADD'")) return 'finishJob';
  return 'refreshClaims';
}

/** CPU profile of this process across `work`: self time by where the code lives, and top functions. */
async function profile(work: () => Promise<void>, units: number) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.enable');
  const cpuBefore = process.cpuUsage();
  await session.post('Profiler.start');
  await work();
  const { profile } = await session.post('Profiler.stop');
  const cpu = process.cpuUsage(cpuBefore);
  session.disconnect();
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<number, number>();
  const deltas = profile.timeDeltas ?? [];
  const samples = profile.samples ?? [];
  for (let i = 0; i < samples.length; i++)
    self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + (deltas[i + 1] ?? 0));
  const area = (id: number): string => {
    const { functionName, url } = nodes.get(id)!.callFrame;
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(program)') return 'V8/native, unattributed';
    if (url === '') {
      if (/^(stringify|parse)$/.test(functionName)) return `JSON.${functionName}`;
      const up = parent.get(id);
      return up === undefined ? 'V8/native, unattributed' : area(up);
    }
    return areaOfFile(url);
  };
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const key = area(id);
    byArea.set(key, (byArea.get(key) ?? 0) + us);
    if (key === 'idle') continue;
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    // Lines of .ts files are tsx's output lines, not the source's: only the file is named.
    const where =
      url === '' ? '(native)' : url.endsWith('.ts') ? shortFile(url) : `${shortFile(url)}:${lineNumber + 1}`;
    const name = `${functionName || '(anonymous)'} ${where}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const busyUs = [...byArea].filter(([key]) => key !== 'idle').reduce((sum, [, us]) => sum + us, 0);
  const share = (entries: Map<string, number>, limit: number) =>
    Object.fromEntries(
      [...entries]
        .filter(([key]) => key !== 'idle')
        .sort((a, b) => b[1] - a[1])
        .slice(0, limit)
        .map(([key, us]) => [key, { msPerNode: perUnit(us / 1000, units), share: perUnit(us, busyUs, 3) }]),
    );
  return {
    msPerNode: perUnit((cpu.user + cpu.system) / 1000, units),
    profiledMsPerNode: perUnit(busyUs / 1000, units),
    byArea: share(byArea, 30),
    topFunctions: share(byFunction, 25),
  };
}

function areaOfFile(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (pkg)
    return pkg === 'better-sqlite3' || pkg === 'pg' || pkg === 'pg-protocol' ? `${pkg} (store driver)` : pkg;
  if (url.startsWith('node:')) {
    if (/net|stream|tcp|socket/.test(url)) return 'node: sockets and streams';
    return 'node: other internals';
  }
  const file = shortFile(url);
  if (file.startsWith('engine/store/')) return 'engine/store';
  if (file.startsWith('engine/scheduler/')) return 'engine/scheduler';
  if (file.startsWith('workers/')) return 'workers (queue transport)';
  if (file.startsWith('engine/')) return 'engine (other)';
  return file.split('/').slice(0, 2).join('/');
}

function shortFile(url: string): string {
  return url.replace(/^file:\/\/.*?\/(engine|workers|bench|nodes|node_modules)\//, '$1/');
}
