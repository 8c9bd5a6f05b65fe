// One DuckDB executor per process (each file opened once), closed on shutdown.
import { defineResource } from '../../../engine/resources.ts';
import { DuckdbExecutor } from './duckdb-executor.ts';

export const duckdbExecutorResource = defineResource<DuckdbExecutor>({
  name: 'sql.duckdb-executor',
  create: () => new DuckdbExecutor(),
  dispose: (executor) => executor.close(),
});
