// The replay guard behind one interface: the store's table (inline mode) and Redis SET NX PX
// (queue mode, shared by every API process on that Redis). A webhook replay is refused either way.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../engine/node-context.ts';
import { openStoreDatabase } from '../../engine/store/open-database.ts';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import { RedisReplayGuard, type ReplayGuard } from '../../server/auth/replay-guard.ts';
import { waitFor } from '../support/cli.ts';
import { flowOf } from '../support/engine-harness.ts';
import { type RedisServer, startRedisServer } from '../support/redis-server.ts';
import { startTestServer } from '../support/server-harness.ts';
import { signedHeaders } from './signed-call.ts';

let redis: RedisServer;
let dir: string;
beforeAll(async () => {
  redis = await startRedisServer();
  dir = mkdtempSync(join(tmpdir(), 'r1flow-guard-'));
});
afterAll(async () => {
  await redis.close();
  rmSync(dir, { recursive: true, force: true });
});

const guards: [string, () => ReplayGuard][] = [
  ['sqlite', () => new SqliteStore(join(dir, `${randomBytes(4).toString('hex')}.db`)).replays],
  ['redis', () => new RedisReplayGuard(redis.url, silentLogger, `test-${randomBytes(4).toString('hex')}`)],
];

describe.each(guards)('%s replay guard', (_name, make) => {
  it('a key is fresh once, then a repeat until its time is up', async () => {
    const guard = make();
    try {
      expect(await guard.firstSeen('trg_1:sha256=aa', 300)).toBe(true);
      expect(await guard.firstSeen('trg_1:sha256=aa', 300)).toBe(false);
      expect(await guard.firstSeen('trg_1:sha256=bb', 300)).toBe(true);
      await waitFor(async () => await guard.firstSeen('trg_1:sha256=aa', 300), 5000, 'the key to expire');
      expect(await guard.firstSeen('trg_1:sha256=aa', 300)).toBe(false);
    } finally {
      await guard.close?.();
    }
  });

  it('of many concurrent offers of one key exactly one is fresh', async () => {
    const guard = make();
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, () => guard.firstSeen('same', 60_000)));
      expect(answers.filter(Boolean)).toHaveLength(1);
    } finally {
      await guard.close?.();
    }
  });
});

describe('queue mode', () => {
  it('a replayed webhook is refused across two servers sharing one Redis', async () => {
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const serverKey = randomBytes(32);
    const a = await startTestServer({
      serverKey,
      replayGuard: new RedisReplayGuard(redis.url, silentLogger, prefix),
    });
    const b = await startTestServer({
      serverKey,
      replayGuard: new RedisReplayGuard(redis.url, silentLogger, prefix),
    });
    try {
      const flow = flowOf(
        { hook: ['trigger.webhook', { path: 'ask' }], out: ['output.answer'] },
        ['hook.payload->out.value'],
        'ask-webhook',
      );
      const secret = (await a.api('/api/flows', { method: 'POST', json: flow })).body.newSecrets[0].secret;
      // Same trigger id and secret on the second server, as two API processes of one installation.
      const stored = await a.runtime.store.getFlowVersion('ask-webhook');
      await b.runtime.store.saveFlow(stored!.document);
      const dbA = openStoreDatabase(a.storePath);
      const dbB = openStoreDatabase(b.storePath);
      dbB.prepare('DELETE FROM triggers').run();
      const row = dbA.prepare('SELECT * FROM triggers').get() as Record<string, unknown>;
      const columns = Object.keys(row);
      dbB
        .prepare(`INSERT INTO triggers (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
        .run(...columns.map((c) => row[c]));
      dbA.close();
      dbB.close();
      const body = '{"question":"once"}';
      const headers = signedHeaders(secret, body);
      expect((await fetch(`${a.url}/hooks/ask`, { method: 'POST', headers, body })).status).toBe(202);
      expect((await fetch(`${b.url}/hooks/ask`, { method: 'POST', headers, body })).status).toBe(409);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
