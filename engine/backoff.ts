// The one retry-delay formula: the engine's node retries and the model clients' HTTP retries both
// use it, so a flow's `backoffMs` and a client's `backoffMs` mean the same thing.
//
// Exponential from `baseMs`, doubling per retry, with ±25 % jitter. The jitter spreads out many
// callers that failed together (a model server restart) so they do not retry in lockstep, and it
// is centred on the nominal delay, so the configured backoff is what callers wait on average (the
// model clients' former half-to-full jitter waited 25 % less than they said). A server's
// Retry-After is the caller's business: only an HTTP caller has one.

/** Milliseconds to wait before retry number `retry` (1 for the first retry). */
export function backoffDelayMs(baseMs: number, retry: number, random: () => number = Math.random): number {
  const exponential = baseMs * 2 ** Math.max(0, retry - 1);
  return Math.round(exponential * (0.75 + random() * 0.5));
}
