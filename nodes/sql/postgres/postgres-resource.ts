// One PostgreSQL executor per process (a pool per warehouse URL), its pools ended on shutdown.
import { defineResource } from '../../../engine/resources.ts';
import { PostgresExecutor } from './postgres-executor.ts';

export const postgresExecutorResource = defineResource<PostgresExecutor>({
  name: 'sql.postgres-executor',
  create: () => new PostgresExecutor(),
  dispose: (executor) => executor.close(),
});
