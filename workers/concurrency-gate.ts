// At most `limit` tasks at once; the rest wait in arrival order. A lane's BullMQ worker fetches
// more jobs than that when the lane also has batched node types (a batch needs many jobs at
// once), so the unbatched ones are held to the lane's concurrency here.

export interface ConcurrencyGate {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createConcurrencyGate(limit: number): ConcurrencyGate {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async run(task) {
      // A finishing task hands its slot straight to the next waiter, so `running` never overshoots.
      if (running < limit) running++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
  };
}
