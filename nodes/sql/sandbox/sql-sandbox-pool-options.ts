// Options of SqlSandboxPool: friendly and optional for callers, compiled once into required values.
import { availableParallelism } from 'node:os';

export interface SqlSandboxPoolOptions {
  /** Queries that run at once, each in its own child process. Default: min(4, CPU cores). */
  size?: number;
  /**
   * Started children kept idle beyond `size`, so a child killed on timeout is replaced at once
   * instead of after a start (about 0.3 s for tsx + better-sqlite3). Default 1.
   */
  spares?: number;
  /** Children one owner (a run) may hold at once. Default size - 1 (1 for a pool of 1). */
  maxPerOwner?: number;
  /** V8 heap limit of each child, in MiB: rows that outgrow it crash that child only. Default 512. */
  maxHeapMb?: number;
  /**
   * Resident memory of a child, in MiB, past which the pool kills it (checked every 50 ms while it
   * runs): what bounds SQLite's own allocations, which V8's heap limit does not see. Default 768.
   */
  maxRssMb?: number;
  /** A query running longer than this (ms) gets the lowest CPU priority (nice 19). Default 250. */
  deprioritizeAfterMs?: number;
  /** Children that may die before becoming ready, in a row, before the pool gives up. Default 3. */
  maxStartFailures?: number;
}

export type CompiledSqlSandboxPoolOptions = Required<SqlSandboxPoolOptions>;

export function compileSqlSandboxPoolOptions(options: SqlSandboxPoolOptions): CompiledSqlSandboxPoolOptions {
  const size = options.size ?? Math.min(4, availableParallelism());
  const compiled = {
    size,
    spares: options.spares ?? 1,
    maxPerOwner: options.maxPerOwner ?? Math.max(1, size - 1),
    maxHeapMb: options.maxHeapMb ?? 512,
    maxRssMb: options.maxRssMb ?? 768,
    deprioritizeAfterMs: options.deprioritizeAfterMs ?? 250,
    maxStartFailures: options.maxStartFailures ?? 3,
  };
  for (const [name, value] of Object.entries(compiled)) {
    const least = name === 'spares' ? 0 : 1;
    if (!Number.isInteger(value) || value < least) {
      throw new RangeError(`SqlSandboxPool option ${name} must be an integer >= ${least}, got ${value}`);
    }
  }
  return compiled;
}
