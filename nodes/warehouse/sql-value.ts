// Values as they travel from a source to the warehouse. Integers are BigInt where they pass 2^53,
// so a copy never rounds an id; comparisons follow SQLite's order so a CSV watermark advances the
// way `WHERE column > ?` would.
export type SqlValue = null | number | bigint | string | Buffer;

/** SQLite's sort order: NULL, then numbers by value, then text (UTF-8 bytes), then BLOBs. */
export function compareSqlValues(a: SqlValue, b: SqlValue): number {
  const rankA = rankOf(a);
  const rankB = rankOf(b);
  if (rankA !== rankB) return rankA - rankB;
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return Buffer.compare(a, b);
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return 0;
}

function rankOf(value: SqlValue): number {
  if (value === null) return 0;
  if (typeof value === 'number' || typeof value === 'bigint') return 1;
  if (typeof value === 'string') return 2;
  return 3;
}
