// Accepted webhook signatures, remembered while their timestamp is inside the replay window, so
// the same signed request sent again is refused instead of starting another run.

export interface ReplayRecords {
  /** True the first time `key` is offered within `ttlMs`; false for a repeat. */
  firstSeen(key: string, ttlMs: number, now?: number): Promise<boolean>;
}
