// Gathers items (node jobs of many runs) into batches per key. A batch is ready when its weight
// reaches `maxBatchSize`, its first item has waited `maxWaitMs`, or the consumer is idle; it is
// handed out only when the consumer has capacity (`hasCapacity`), so under load batches keep
// filling instead of queueing small ones — the client-side half of continuous batching.

export interface MicroBatcherOptions<T> {
  /** Largest total weight of one batch (e.g. sequences: n samples per question). */
  maxBatchSize: number;
  /** Longest time the first item of a batch waits for company, in ms. */
  maxWaitMs: number;
  keyOf: (item: T) => string;
  weightOf: (item: T) => number;
  /** Whether the consumer can take another batch now. */
  hasCapacity: () => boolean;
  /**
   * Whether nothing is in flight. An idle consumer gets a batch at once instead of after
   * `maxWaitMs`: waiting only pays while an earlier batch is running (more requests arrive
   * meanwhile), so a lone request never waits.
   */
  isIdle?: () => boolean;
  flush: (items: T[]) => void;
}

export interface MicroBatcher<T> {
  add(item: T): void;
  /** Hands out ready batches while there is capacity; call when capacity frees up. */
  poke(): void;
  /** Removes items matching `predicate` (e.g. a cancelled job); returns them. */
  remove(predicate: (item: T) => boolean): T[];
  pendingCount(): number;
  close(): void;
}

interface Group<T> {
  key: string;
  items: T[];
  weight: number;
  timer: NodeJS.Timeout | undefined;
  due: boolean;
}

export function createMicroBatcher<T>(options: MicroBatcherOptions<T>): MicroBatcher<T> {
  // Groups in arrival order of their first item: the oldest ready batch goes first.
  const groups: Group<T>[] = [];

  const isReady = (group: Group<T>) =>
    group.due || group.weight >= options.maxBatchSize || (options.isIdle?.() ?? false);

  const takeBatch = (group: Group<T>): T[] => {
    const batch: T[] = [];
    let weight = 0;
    while (group.items.length > 0) {
      const itemWeight = options.weightOf(group.items[0]!);
      if (batch.length > 0 && weight + itemWeight > options.maxBatchSize) break;
      batch.push(group.items.shift()!);
      weight += itemWeight;
    }
    group.weight -= weight;
    if (group.items.length === 0) {
      if (group.timer) clearTimeout(group.timer);
      groups.splice(groups.indexOf(group), 1);
    }
    return batch;
  };

  const poke = () => {
    for (;;) {
      const group = groups.find(isReady);
      if (!group || !options.hasCapacity()) return;
      options.flush(takeBatch(group));
    }
  };

  return {
    add(item) {
      const key = options.keyOf(item);
      let group = groups.find((g) => g.key === key);
      if (!group) {
        group = { key, items: [], weight: 0, timer: undefined, due: false };
        const created = group;
        groups.push(created);
        created.timer = setTimeout(() => {
          created.due = true;
          poke();
        }, options.maxWaitMs);
      }
      group.items.push(item);
      group.weight += options.weightOf(item);
      poke();
    },
    poke,
    remove(predicate) {
      const removed: T[] = [];
      for (const group of [...groups]) {
        const kept = group.items.filter((item) => !predicate(item));
        if (kept.length === group.items.length) continue;
        removed.push(...group.items.filter(predicate));
        group.items = kept;
        group.weight = kept.reduce((sum, item) => sum + options.weightOf(item), 0);
        if (kept.length === 0) {
          if (group.timer) clearTimeout(group.timer);
          groups.splice(groups.indexOf(group), 1);
        }
      }
      return removed;
    },
    pendingCount: () => groups.reduce((sum, group) => sum + group.items.length, 0),
    close() {
      for (const group of groups) if (group.timer) clearTimeout(group.timer);
      groups.length = 0;
    },
  };
}
