// Retry delay: exponential from the node's `backoffMs`, with ±25% jitter so many runs that failed
// together (a model server restart) do not retry in lockstep.

export function retryDelayMs(
  backoffMs: number,
  failedAttempt: number,
  random: () => number = Math.random,
): number {
  const exponential = backoffMs * 2 ** Math.max(0, failedAttempt - 1);
  return Math.round(exponential * (0.75 + random() * 0.5));
}
