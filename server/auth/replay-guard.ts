// Remembers accepted webhook signatures for as long as their timestamp is inside the replay window,
// so the same signed request sent again is refused (409) instead of starting another run. Inline
// mode keeps them in the store (`store.replays`); queue mode in Redis (SET NX PX), so
// every API process behind one Redis sees the same set.
import type { Redis } from 'ioredis';
import type { Logger } from '../../engine/define-node.ts';
import type { ReplayRecords } from '../../engine/store/replay-records.ts';
import { closeRedis, openRedis, unreachable, withDeadline } from '../../workers/redis-connection.ts';

/** The store's replay records (inline mode) or Redis (queue mode). */
export interface ReplayGuard extends ReplayRecords {
  close?(): Promise<void>;
}

const REDIS_TIMEOUT_MS = 2000;

export class RedisReplayGuard implements ReplayGuard {
  readonly #redis: Redis;
  readonly #redisUrl: string;
  readonly #prefix: string;

  /** A guard on its own connection, closed with the server. */
  constructor(redisUrl: string, logger: Logger, prefix = 'r1flow') {
    this.#redisUrl = redisUrl;
    this.#redis = openRedis(redisUrl, 'webhook-replays', logger);
    this.#prefix = `${prefix}:webhook-seen:`;
  }

  async close(): Promise<void> {
    await closeRedis(this.#redis);
  }

  async firstSeen(key: string, ttlMs: number): Promise<boolean> {
    // Without an answer the call cannot be judged fresh: 503, the sender retries later.
    const set = await withDeadline(
      this.#redis.set(`${this.#prefix}${key}`, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'),
      REDIS_TIMEOUT_MS,
      () =>
        unreachable(
          this.#redisUrl,
          `could not check a webhook signature for replay within ${REDIS_TIMEOUT_MS} ms`,
        ),
    );
    return set === 'OK';
  }
}
