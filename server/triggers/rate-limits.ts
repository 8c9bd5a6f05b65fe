// The rate limits of webhooks behind one interface: a process's own token buckets (one server), or
// buckets in Redis (queue mode), which every server on that Redis spends together, so a cluster
// behind a load balancer allows a webhook its rate once, not once per server.

/** A token bucket per key: `perMinute` takes a minute on average, bursts up to the same number. */
export interface RateLimits {
  /** Takes a token; 0 when allowed, else the seconds until one is free (nothing taken). */
  take(key: string, perMinute: number): number | Promise<number>;
  /** Seconds until `key` has a token (0 when it has one now), taking nothing. */
  wait(key: string, perMinute: number): number | Promise<number>;
  close?(): Promise<void>;
}
