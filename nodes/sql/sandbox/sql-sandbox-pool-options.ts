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
  /** V8 heap limit of each child, in MiB: rows that outgrow it crash that child only. Default 1024. */
  maxHeapMb?: number;
  /** Children that may die before becoming ready, in a row, before the pool gives up. Default 3. */
  maxStartFailures?: number;
}

export type CompiledSqlSandboxPoolOptions = Required<SqlSandboxPoolOptions>;

export function compileSqlSandboxPoolOptions(options: SqlSandboxPoolOptions): CompiledSqlSandboxPoolOptions {
  const compiled = {
    size: options.size ?? Math.min(4, availableParallelism()),
    spares: options.spares ?? 1,
    maxHeapMb: options.maxHeapMb ?? 1024,
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
