// Issue #13, proof item 2: kill PostgreSQL for a few seconds while `r1flow start` is under load.
// While it is down the server answers new work with 503 STORE_UNAVAILABLE (and says so on
// /healthz); every run it accepted before or around the outage still finishes once PostgreSQL is
// back; the process never exits; new runs start again. A real server process on a real cluster,
// killed with SIGKILL (a crash, not a polite shutdown) and restarted on the same data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startCli, waitFor } from '../support/cli.ts';
import { flowOf } from '../support/engine-harness.ts';
import { type PostgresServer, startPostgresServer } from '../support/postgres-server.ts';

const OUTAGE_MS = 3000;
const CLIENTS = 4;
/** Each client's pause between requests: about 16 new runs a second in all. */
const PAUSE_MS = 250;

let pg: PostgresServer;
let dir: string;
beforeAll(async () => {
  // Acknowledged commits must survive the kill, as they do on a production server.
  pg = await startPostgresServer({ durableCommits: true });
  dir = mkdtempSync(join(tmpdir(), 'r1flow-outage-'));
});
afterAll(async () => {
  await pg?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  at: number;
  runId?: string;
  code?: string;
  retryAfter?: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PostgreSQL going away under load', () => {
  it('answers 503 while it is down, loses no accepted run, and resumes when it is back', async () => {
    const storeUrl = await pg.createDatabase('outage');
    const server = startCli(['start', '--store', storeUrl, '--port', '0', '--log-format', 'json'], {
      R1FLOW_SECRET_KEY: 'store-outage-test-key',
      R1FLOW_DATA_DIR: dir,
      // No model server is needed (the flow asks none); this keeps the simulated one from starting.
      R1FLOW_LLM_URL: 'http://127.0.0.1:9/v1',
    });
    let log = '';
    server.child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    // What the server said is the first thing to read when this fails (request lines left out).
    onTestFailed(() => {
      const said = log.split('\n').filter((line) => !line.includes('"msg":"request'));
      console.error(said.slice(-40).join('\n'));
    });
    let exit: { code: number | null; signal: string | null } | null = null;
    server.child.once('exit', (code, signal) => {
      exit = { code, signal };
    });
    let loading = true;
    try {
      await waitFor(() => /running at (http:\/\/\S+)/.test(log), 60_000, 'r1flow start');
      const api = /running at (http:\/\/\S+)/.exec(log)![1]!;
      const flow = flowOf(
        {
          t: ['trigger.manual'],
          a: ['test.step', { sleepMs: 300 }],
          b: ['test.step', { sleepMs: 300 }],
        },
        ['t.payload->a.in', 'a.out->b.in'],
        'outage-load',
      );
      const created = await fetch(`${api}/api/flows`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(flow),
      });
      expect(created.status).toBe(201);

      const startRun = async (): Promise<Answer> => {
        const response = await fetch(`${api}/api/flows/outage-load/runs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"input":{}}',
        });
        const body = (await response.json()) as { run?: { id: string }; error?: { code: string } };
        return {
          status: response.status,
          at: Date.now(),
          ...(body.run ? { runId: body.run.id } : {}),
          ...(body.error ? { code: body.error.code } : {}),
          retryAfter: response.headers.get('retry-after'),
        };
      };
      const answers: Answer[] = [];
      const clients = Array.from({ length: CLIENTS }, async () => {
        while (loading) {
          answers.push(await startRun());
          await sleep(PAUSE_MS);
        }
      });

      // Mid-load: runs accepted and still running when PostgreSQL goes (a shared machine may be slow).
      await waitFor(() => answers.filter((a) => a.status === 201).length >= 12, 30_000, 'runs accepted');
      const downAt = Date.now();
      await pg.stop('SIGKILL');
      // Runs in flight now finish their nodes while the store is gone; new ones are refused.
      await sleep(500);
      const health = await fetch(`${api}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ ok: false, store: 'unavailable' });
      const refused = await startRun();
      expect(refused).toMatchObject({ status: 503, code: 'STORE_UNAVAILABLE', retryAfter: '2' });
      await sleep(downAt + OUTAGE_MS - Date.now());
      await pg.start();
      const upAt = Date.now();
      await waitFor(async () => (await fetch(`${api}/healthz`)).status === 200, 30_000, 'healthz 200');
      const healthyAt = Date.now();
      await waitFor(
        () => answers.some((a) => a.status === 201 && a.at > upAt),
        15_000,
        'a run accepted again',
      );
      await sleep(1000);
      loading = false;
      await Promise.all(clients);

      // Only two answers exist: accepted with an id, or 503 STORE_UNAVAILABLE with Retry-After.
      const accepted = answers.filter((a) => a.status === 201);
      const unavailable = answers.filter((a) => a.status === 503);
      expect(accepted.length + unavailable.length).toBe(answers.length);
      for (const answer of accepted) expect(answer.runId).toBeTypeOf('string');
      for (const answer of unavailable)
        expect(answer).toMatchObject({ code: 'STORE_UNAVAILABLE', retryAfter: '2' });
      expect(unavailable.length).toBeGreaterThan(0);
      expect(accepted.filter((a) => a.at < downAt).length).toBeGreaterThan(10);
      const firstAfter = accepted.find((a) => a.at > upAt);
      expect(firstAfter).toBeDefined();

      // Every accepted run succeeds: none was failed or lost for the outage.
      const ids = accepted.map((a) => a.runId!);
      const statuses = async () =>
        await pg.query<{ id: string; status: string }>('SELECT id, status FROM runs', [], 'outage');
      await waitFor(
        async () => {
          const rows = await statuses();
          const done = new Set(rows.filter((r) => r.status === 'succeeded').map((r) => r.id));
          return ids.every((id) => done.has(id));
        },
        60_000,
        'every accepted run to succeed',
      );
      const finishedAt = Date.now();
      const rows = await statuses();
      expect(rows.filter((r) => r.status === 'failed')).toEqual([]);
      expect(log).toContain('holding the tick until it answers');
      expect(log).toContain('the held tick is committed');
      expect(log).not.toContain('failing it');

      // The same process takes new work again.
      const after = await startRun();
      expect(after.status).toBe(201);
      const wait = await fetch(`${api}/api/runs/${after.runId}`);
      expect(wait.status).toBe(200);
      await waitFor(
        async () =>
          ((await (await fetch(`${api}/api/runs/${after.runId}`)).json()) as { run: { status: string } }).run
            .status === 'succeeded',
        20_000,
        'a run after the outage',
      );
      expect(exit).toBeNull();
      // The figures of this proof, for the report.
      console.log(
        JSON.stringify({
          outageMs: upAt - downAt,
          answers: answers.length,
          accepted: accepted.length,
          acceptedBeforeOutage: accepted.filter((a) => a.at < downAt).length,
          acceptedDuringOutage: accepted.filter((a) => a.at >= downAt && a.at <= upAt).length,
          refused503: unavailable.length,
          storedRuns: rows.length,
          healthyAfterRestartMs: healthyAt - upAt,
          firstAcceptedAfterRestartMs: firstAfter!.at - upAt,
          allSucceededAfterRestartMs: finishedAt - upAt,
        }),
      );
    } finally {
      loading = false;
      server.child.kill('SIGTERM');
      await server.done;
    }
  });
});
