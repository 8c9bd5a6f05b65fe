// deploy/compose.yaml cannot be run here (no Docker), so this test starts the processes it
// describes by hand, from the command lines written in it: PostgreSQL and Redis (test servers on
// 127.0.0.1), `r1flow sim-llm` (the file's no-GPU alternative to vLLM), two `r1flow start` servers
// on one store and Redis, an llm worker and a sql,io,cpu worker. Only addresses and ports are
// rewritten (service names to 127.0.0.1, container ports to free ones). A demo question started
// on one server then runs to the right answer through both workers and is read on the other, one
// webhook's rate is spent together by both servers (Redis), and every R1FLOW_* name the deploy
// files set is one r1flow reads.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoWarehouse } from '../../server/demo/build-warehouse.ts';
import { makeTempDir } from '../nodes/schema/spider-files.ts';
import { signedHeaders } from '../security/signed-call.ts';
import { REPO_ROOT, runCli, startCli, waitFor } from '../support/cli.ts';
import { flowOf } from '../support/engine-harness.ts';
import { type PostgresServer, startPostgresServer } from '../support/postgres-server.ts';
import { freePort, type RedisServer, startRedisServer } from '../support/redis-server.ts';

const COMPOSE = readFileSync(join(REPO_ROOT, 'deploy/compose.yaml'), 'utf8');
const DOCKERFILE = readFileSync(join(REPO_ROOT, 'deploy/Dockerfile'), 'utf8');

/**
 * Each service's `command:` list (flow style, over one or more lines; commented-out services
 * included), with YAML aliases of the file's quoted scalar anchors (`x-…: &name "…"`) put in.
 */
function composeCommands(text: string): Map<string, string[]> {
  const anchors = new Map<string, string>();
  for (const m of text.matchAll(/^x-[\w-]+: &([\w-]+) (".*")$/gm)) anchors.set(m[1]!, JSON.parse(m[2]!));
  const commands = new Map<string, string[]>();
  let service = '';
  let list: string | undefined;
  for (const line of text.split('\n')) {
    const header = /^ {2}(?:# )?([a-z0-9-]+):$/.exec(line);
    if (header) service = header[1]!;
    const start = /^\s*(?:#\s*)?command:(.*)$/.exec(line);
    if (start) list = '';
    if (list === undefined) continue;
    list += start ? start[1]! : line.replace(/^\s*#/, '');
    if (!list.includes(']')) continue;
    const json = list
      .replace(/,\s*\]/, ']')
      .replace(/\*([\w-]+)/g, (_, name: string) => JSON.stringify(anchors.get(name)));
    commands.set(service, JSON.parse(json) as string[]);
    list = undefined;
  }
  return commands;
}

/** Compose's `${NAME:?message}` and `${NAME:-default}` from `values`. */
function interpolate(arg: string, values: Record<string, string>): string {
  return arg.replace(/\$\{(\w+)(?::[?-]([^}]*))?\}/g, (whole, name: string, fallback?: string) => {
    const value = values[name];
    if (value !== undefined) return value;
    if (whole.includes(':-') && fallback !== undefined) return fallback;
    throw new Error(`compose.yaml needs ${name}`);
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('deploy files', () => {
  it('set only R1FLOW_* names that r1flow reads', () => {
    const sources = ['engine', 'nodes', 'server', 'workers', 'sim-llm']
      .flatMap((dir) => sourceFiles(join(REPO_ROOT, dir)))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const named = new Set([...`${COMPOSE}\n${DOCKERFILE}`.matchAll(/\bR1FLOW_[A-Z_]+\b/g)].map((m) => m[0]));
    expect(named.size).toBeGreaterThan(5);
    // Read as a constant ('R1FLOW_X') or straight off the environment (env.R1FLOW_X).
    const read = (name: string) => sources.includes(`'${name}'`) || sources.includes(`.${name}`);
    expect([...named].filter((name) => !read(name))).toEqual([]);
  });

  it('describe the two servers, both workers and the simulated model server', () => {
    const commands = composeCommands(COMPOSE);
    expect([...commands.keys()].sort()).toEqual(
      ['llm-worker', 'redis', 'server-1', 'server-2', 'sim-llm', 'sql-worker', 'vllm'].sort(),
    );
    expect(commands.get('server-1')).toEqual(commands.get('server-2'));
  });
});

describe('the compose services, started by hand', () => {
  const temp = makeTempDir('deploy-compose');
  const secretKey = randomBytes(24).toString('hex');
  const adminPassword = randomBytes(12).toString('hex');
  let postgres: PostgresServer;
  let redis: RedisServer;
  const processes: { name: string; child: ReturnType<typeof startCli>['child']; output: () => string }[] = [];
  const urls: Record<string, string> = {};
  let env: Record<string, string>;
  let key: string;

  function start(service: string, command: string[], ports: Record<string, number>): void {
    const args = command.map((arg) => {
      let value = interpolate(arg, { POSTGRES_PASSWORD: encodeURIComponent(postgres.password) });
      value = value.replace('@postgres:5432/', `@127.0.0.1:${postgres.port}/`);
      value = value.replace('redis://redis:6379', redis.url);
      return value === '0.0.0.0' ? '127.0.0.1' : value;
    });
    // Each container listens on its own port 3000 or 8000; here they share one host.
    for (const flag of ['--port']) {
      const at = args.indexOf(flag);
      if (at >= 0) args[at + 1] = String(ports[service]);
    }
    const started = startCli(args, env);
    let output = '';
    started.child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    processes.push({ name: service, child: started.child, output: () => output });
  }

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgresServer(), startRedisServer()]);
    await postgres.createDatabase('r1flow');
    const ports = { 'server-1': await freePort(), 'server-2': await freePort(), 'sim-llm': await freePort() };
    urls['server-1'] = `http://127.0.0.1:${ports['server-1']}`;
    urls['server-2'] = `http://127.0.0.1:${ports['server-2']}`;
    // What x-r1flow-env and the image set, with this machine's paths.
    env = {
      R1FLOW_SECRET_KEY: secretKey,
      R1FLOW_LLM_URL: `http://127.0.0.1:${ports['sim-llm']}/v1`,
      R1FLOW_DATA_DIR: temp.dir,
      R1FLOW_SCHEMA_INDEX_DIR: join(temp.dir, 'schema-index'),
      R1FLOW_WAREHOUSE: ensureDemoWarehouse(join(temp.dir, 'warehouse.sqlite')),
      R1FLOW_ADMIN_PASSWORD: adminPassword,
    };
    const commands = composeCommands(COMPOSE);
    start('sim-llm', commands.get('sim-llm')!, ports);
    start('server-1', commands.get('server-1')!, ports);
    await waitFor(async () => (await health(urls['server-1']!))?.ok === true, 60_000, 'server-1');
    start('server-2', commands.get('server-2')!, ports);
    start('llm-worker', commands.get('llm-worker')!, ports);
    start('sql-worker', commands.get('sql-worker')!, ports);
    await waitFor(async () => (await health(urls['server-2']!))?.ok === true, 60_000, 'server-2');
    // As deploy/README.md says: `r1flow keys create` on the shared store (R1FLOW_STORE).
    const created = await runCli(['keys', 'create', '--user', 'admin', '--name', 'deploy-test'], {
      ...env,
      R1FLOW_STORE: postgres.urlFor('r1flow'),
    });
    if (created.code !== 0) throw new Error(`keys create failed: ${created.stderr}`);
    key = created.stdout.trim();
  }, 180_000);

  afterAll(async () => {
    await Promise.all(
      processes.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('close', resolve));
        child.kill('SIGTERM');
        await exited;
      }),
    );
    await Promise.all([postgres?.close(), redis?.close()]);
    temp.cleanup();
  }, 60_000);

  async function health(url: string): Promise<{ ok?: boolean; redis?: string } | null> {
    try {
      return (await (await fetch(`${url}/healthz`)).json()) as { ok?: boolean };
    } catch {
      return null;
    }
  }

  it('a question started on one server is answered through the workers and read on the other', async () => {
    for (const { name, child, output } of processes) {
      expect(child.exitCode, `${name} exited:\n${output()}`).toBeNull();
    }
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const started = await fetch(`${urls['server-2']}/api/flows/nl2sql/runs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ input: { question: 'How many customers do we have?' } }),
    });
    expect(started.status).toBe(201);
    const runId = ((await started.json()) as { run: { id: string } }).run.id;
    let run: { status: string; output: { answer?: { sql?: string } } | null } | undefined;
    await waitFor(
      async () => {
        const response = await fetch(`${urls['server-1']}/api/runs/${runId}`, { headers });
        run = ((await response.json()) as { run: typeof run }).run;
        return run?.status === 'succeeded' || run?.status === 'failed';
      },
      90_000,
      `run ${runId} to finish`,
    );
    expect(run?.status, JSON.stringify(run)).toBe('succeeded');
    expect(JSON.stringify(run?.output)).toMatch(/SELECT COUNT\(\*\) FROM customers/i);
  }, 120_000);

  it("two `start --redis` servers spend one webhook's rate together", async () => {
    const flow = flowOf(
      { hook: ['trigger.webhook', { path: 'deploy-rate', rateLimitPerMinute: 3 }], out: ['output.answer'] },
      ['hook.payload->out.value'],
      'deploy-rate',
    );
    const saved = await fetch(`${urls['server-1']}/api/flows`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(flow),
    });
    expect(saved.status).toBe(201);
    const secret = ((await saved.json()) as { newSecrets: { secret: string }[] }).newSecrets[0]!.secret;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const body = JSON.stringify({ call: i });
      const server = urls[i % 2 === 0 ? 'server-1' : 'server-2'];
      const response = await fetch(`${server}/hooks/deploy-rate`, {
        method: 'POST',
        headers: signedHeaders(secret, body),
        body,
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
  });
});
