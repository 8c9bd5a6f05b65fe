// Spreading webhook calls over the servers of a cluster must not multiply a limit: two servers on
// one store and one Redis (queue mode's RedisRateLimits) spend one budget per webhook and one budget
// of failed attempts per client address. The last case shows the bypass that per-process buckets
// would allow, so the shared cases cannot pass by accident.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../engine/node-context.ts';
import { WEBHOOK_FAILURES_PER_MINUTE } from '../../server/http/routes/hook-routes.ts';
import { RedisRateLimits } from '../../server/triggers/redis-rate-limits.ts';
import { flowOf } from '../support/engine-harness.ts';
import { type RedisServer, startRedisServer } from '../support/redis-server.ts';
import { type ServerHarness, startTestServer } from '../support/server-harness.ts';
import { rawRequest } from './raw-http.ts';
import { signedHeaders } from './signed-call.ts';

let redis: RedisServer;
let dir: string;
let servers: ServerHarness[] = [];
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis.close();
});
afterEach(async () => {
  for (const server of servers) await server.close();
  servers = [];
  rmSync(dir, { recursive: true, force: true });
});

/** Two servers on one store (as a cluster's are), with shared Redis limits unless `shared` is false. */
async function twoServers(shared: boolean): Promise<[ServerHarness, ServerHarness]> {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-rate-cluster-'));
  const serverKey = randomBytes(32);
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  for (let i = 0; i < 2; i++) {
    servers.push(
      await startTestServer({
        dir,
        serverKey,
        ...(shared ? { rateLimits: new RedisRateLimits(redis.url, silentLogger, prefix) } : {}),
      }),
    );
  }
  return [servers[0]!, servers[1]!];
}

async function createHook(server: ServerHarness, rateLimitPerMinute: number): Promise<string> {
  const flow = flowOf(
    { hook: ['trigger.webhook', { path: 'ask', rateLimitPerMinute }], out: ['output.answer'] },
    ['hook.payload->out.value'],
    'ask-webhook',
  );
  const created = await server.api('/api/flows', { method: 'POST', json: flow });
  expect(created.status).toBe(201);
  return created.body.newSecrets[0].secret;
}

/** Valid signed calls, alternating between the servers; their statuses in order. */
async function alternate(pair: ServerHarness[], secret: string, calls: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < calls; i++) {
    const body = JSON.stringify({ question: `call ${i}` });
    const response = await fetch(`${pair[i % 2]!.url}/hooks/ask`, {
      method: 'POST',
      headers: signedHeaders(secret, body),
      body,
    });
    statuses.push(response.status);
  }
  return statuses;
}

describe('webhook rate limits in a cluster (shared through Redis)', () => {
  it("one webhook's rate is one budget over both servers", async () => {
    const [a, b] = await twoServers(true);
    const secret = await createHook(a, 4);
    expect(await alternate([a, b], secret, 6)).toEqual([202, 202, 202, 202, 429, 429]);
  });

  it('failed attempts from one address are counted over both servers', async () => {
    const [a, b] = await twoServers(true);
    await createHook(a, 600);
    const statuses: number[] = [];
    for (let i = 0; i <= WEBHOOK_FAILURES_PER_MINUTE; i++) {
      const body = JSON.stringify({ question: `bad ${i}` });
      const response = await rawRequest((i % 2 === 0 ? a : b).url, {
        method: 'POST',
        target: '/hooks/ask',
        headers: signedHeaders('whsec_wrong', body),
        body,
        localAddress: '127.0.0.4',
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, WEBHOOK_FAILURES_PER_MINUTE)).toEqual(
      Array(WEBHOOK_FAILURES_PER_MINUTE).fill(403),
    );
    expect(statuses.at(-1)).toBe(429);
  });

  it("per-process limits alone would let each server allow the webhook's full rate", async () => {
    const [a, b] = await twoServers(false);
    const secret = await createHook(a, 4);
    expect(await alternate([a, b], secret, 8)).toEqual(Array(8).fill(202));
  });
});
