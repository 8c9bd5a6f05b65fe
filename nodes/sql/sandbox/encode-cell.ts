// Turns a SQLite value (read with safeIntegers) into a JSON cell without losing information:
// JSON has no BLOBs, no integers beyond 2^53 and no infinities.
import type { Cell } from '../../types.ts';

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function encodeCell(value: unknown): Cell {
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'bigint')
    return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Buffer.isBuffer(value)) return `x'${value.toString('hex')}'`;
  return String(value);
}
