// What only the PostgreSQL store has to prove: several servers on one database (claims, fencing,
// event sequence numbers in commit order, schema steps applied once), its own number parsing, and
// a clear, password-free error when the server is gone.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../engine/store/postgres/open-postgres-store.ts';
import { POSTGRES_MIGRATIONS } from '../../engine/store/postgres/postgres-migrations.ts';
import type { RunEvent } from '../../engine/store/records.ts';
import type { Store } from '../../engine/store/store.ts';
import { type PostgresServer, startPostgresServer } from '../support/postgres-server.ts';
import { event, insertRun, runRecord } from './store-contract.ts';

let server: PostgresServer;
let databases = 0;
const open: Store[] = [];

async function freshDatabase(): Promise<{ name: string; url: string }> {
  const name = `multi_${++databases}`;
  return { name, url: await server.createDatabase(name) };
}

async function openStore(url: string): Promise<Store> {
  const store = await openPostgresStore(url);
  open.push(store);
  return store;
}

beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(async () => {
  for (const store of open) await store.close();
  await server?.close();
});

describe('the PostgreSQL store shared by several servers', () => {
  it('three servers claiming the same expired runs round after round never share one', async () => {
    const { url } = await freshDatabase();
    const stores = await Promise.all([openStore(url), openStore(url), openStore(url)]);
    for (let round = 0; round < 5; round++) {
      const now = 2_000_000_000_000 + round * 100_000;
      const runs = Array.from({ length: 30 }, () => runRecord({ owner: 'crashed', leaseUntil: now - 1 }));
      await stores[0]!.commit(runs.map((run) => insertRun(run)));
      const claims = await Promise.all(
        stores.map((store, i) => store.claimRuns(`server-${i}`, now + 10_000_000, now, [])),
      );
      const all = claims.flat();
      expect(new Set(all).size).toBe(all.length);
      expect(all.sort()).toEqual(runs.map((run) => run.id).sort());
      for (const [i, ids] of claims.entries()) {
        for (const id of ids)
          expect((await stores[(i + 1) % 3]!.getRunRecord(id))!.owner).toBe(`server-${i}`);
      }
    }
  });

  it('a server whose runs were taken over writes nothing for them', async () => {
    const { url } = await freshDatabase();
    const [slow, rescuer] = await Promise.all([openStore(url), openStore(url)]);
    const now = 2_100_000_000_000;
    const run = runRecord({ status: 'running', owner: 'slow', leaseUntil: now + 1000 });
    await slow.commit([insertRun(run), event(run.id, 'run.started')], { owner: 'slow' });
    // The slow server misses its renewals; the lease expires and the rescuer claims the run.
    expect(await rescuer.claimRuns('rescuer', now + 60_000, now + 2000, [])).toEqual([run.id]);
    const before = await rescuer.readEvents({});
    await expect(
      slow.commit(
        [
          {
            kind: 'updateNode',
            runId: run.id,
            nodeId: 'a',
            patch: { status: 'succeeded', output: { late: 1 } },
          },
          { kind: 'updateRun', runId: run.id, patch: { status: 'succeeded', finishedAt: now } },
          event(run.id, 'run.succeeded'),
        ],
        { owner: 'slow' },
      ),
    ).rejects.toMatchObject({ code: 'RUN_LEASE_LOST', data: { runIds: [run.id] } });
    const stored = (await rescuer.getRun(run.id))!;
    expect(stored.run).toMatchObject({ status: 'running', owner: 'rescuer', finishedAt: null });
    expect(stored.nodes[0]).toMatchObject({ status: 'pending', output: null });
    expect(await rescuer.readEvents({})).toEqual(before);
    expect((await slow.renewLeases('slow', now + 90_000, [run.id])).lost).toEqual([run.id]);
    expect((await rescuer.getRunRecord(run.id))!.leaseUntil).toBe(now + 60_000);
  });

  it('a reader paging by afterSeq while many servers commit sees every event, in commit order', async () => {
    const { url } = await freshDatabase();
    const writers = await Promise.all([openStore(url), openStore(url)]);
    const reader = await openStore(url);
    const commits = 120;
    const written: RunEvent[] = [];
    let writing = true;
    const seen: RunEvent[] = [];
    const read = (async () => {
      let after = 0;
      for (;;) {
        const done = !writing;
        const page = await reader.readEvents({ afterSeq: after, limit: 50 });
        seen.push(...page);
        if (page.length > 0) after = page.at(-1)!.seq;
        else if (done) return;
      }
    })();
    // Batches of different sizes, many in flight at once over both pools (10 connections each).
    await Promise.all(
      Array.from({ length: commits }, async (_, i) => {
        const run = runRecord();
        const events = Array.from({ length: 1 + (i % 4) }, () => event(run.id, 'node.progress'));
        written.push(...(await writers[i % 2]!.commit([insertRun(run, ['a', 'b', 'c']), ...events])));
      }),
    );
    writing = false;
    await read;
    const all = await reader.readEvents({ limit: 10_000 });
    expect(all).toHaveLength(written.length);
    expect(seen.map((e) => e.seq)).toEqual(all.map((e) => e.seq));
    // Each batch's events are consecutive: nothing of another commit falls between them.
    const byRun = new Map<string, number[]>();
    for (const e of all) byRun.set(e.runId, [...(byRun.get(e.runId) ?? []), e.seq]);
    const position = new Map(all.map((e, i) => [e.seq, i]));
    for (const seqs of byRun.values()) {
      expect(position.get(seqs.at(-1)!)! - position.get(seqs[0]!)!).toBe(seqs.length - 1);
    }
  });
});

describe('PostgreSQL schema steps', () => {
  it('servers starting at once on an empty database apply each step once', async () => {
    const { name, url } = await freshDatabase();
    await Promise.all(Array.from({ length: 6 }, () => openStore(url)));
    const steps = await server.query<{ name: string }>(
      'SELECT name FROM r1flow_migrations ORDER BY applied_at, name',
      [],
      name,
    );
    expect(steps.map((s) => s.name).sort()).toEqual(POSTGRES_MIGRATIONS.map((m) => m.name).sort());
    // Reopening finds nothing left to do.
    const again = await openStore(url);
    expect(await again.listFlows()).toEqual([]);
    expect(await server.query('SELECT count(*)::int AS n FROM r1flow_migrations', [], name)).toEqual([
      { n: POSTGRES_MIGRATIONS.length },
    ]);
  });

  it('refuses a database migrated by a newer r1flow', async () => {
    const { name, url } = await freshDatabase();
    await openStore(url);
    await server.query(
      "INSERT INTO r1flow_migrations (name, applied_at) VALUES ('from-the-future', 1)",
      [],
      name,
    );
    await expect(openPostgresStore(url)).rejects.toMatchObject({
      code: 'STORE_TOO_NEW',
      message: expect.stringContaining('from-the-future'),
    });
  });

  it('reads BIGINT times as numbers on its own pool, leaving pg defaults to everyone else', async () => {
    const { url } = await freshDatabase();
    const store = await openStore(url);
    const run = runRecord({ leaseUntil: 4_102_444_800_000 });
    await store.commit([insertRun(run)]);
    expect((await store.getRunRecord(run.id))!.leaseUntil).toBe(4_102_444_800_000);
    expect(await store.countRunsByStatus()).toEqual({ queued: 1 });
    expect(pg.types.getTypeParser(20, 'text')('42')).toBe('42');
  });
});

describe('an unreachable PostgreSQL store', () => {
  it('fails with STORE_UNAVAILABLE naming the address, never the password', async () => {
    const { url } = await freshDatabase();
    const wrongPassword = url.replace(`:${server.password}@`, ':not-the-password-123@');
    const refusedWrong = await openPostgresStore(wrongPassword).catch((error: unknown) => error);
    expect(refusedWrong).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect((refusedWrong as Error).message).not.toContain('not-the-password-123');

    const store = await openStore(url);
    await server.stop('SIGTERM');
    try {
      const failed = await store.getFlow('any').catch((error: unknown) => error);
      expect(failed).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      const message = (failed as Error).message;
      expect(message).toContain(`127.0.0.1:${server.port}`);
      expect(message).not.toContain(server.password);
      const opening = await openPostgresStore(url).catch((error: unknown) => error);
      expect(opening).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect((opening as Error).message).not.toContain(server.password);
    } finally {
      await server.start();
    }
    // The pool recovers once the server is back.
    expect(await store.getFlow('any')).toBeNull();
  });
});
