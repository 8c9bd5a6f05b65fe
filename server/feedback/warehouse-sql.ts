// Running a feedback's SQL on its warehouse from the server, with the executors the nodes use
// (read-only: the SQLite sandbox, read-only DuckDB, read-only PostgreSQL), so a corrected SQL is
// checked the same way a candidate would be before it can become a verified example.

import { noConnections } from '../../engine/connections.ts';
import { R1flowError, serializeError } from '../../engine/errors.ts';
import type { HostSettings } from '../../engine/host-settings.ts';
import type { ResourcePool } from '../../engine/resources.ts';
import type { RunSql } from '../../eval/scoring/run-sql.ts';
import { executeOnce } from '../../nodes/sql/execute-candidates.ts';
import type { SqlOutcome } from '../../nodes/sql/sandbox/sql-outcome.ts';
import { sandboxRunSql } from '../../nodes/sql/sandbox-run-sql.ts';
import type { SqlAuditor } from '../../nodes/sql/sql-auditor.ts';
import { executorFor, type WarehouseLocation } from '../../nodes/sql/warehouse-executor.ts';
import { SchemaContextSchema } from '../../nodes/types.ts';

export interface WarehouseHost {
  resources: ResourcePool;
  settings: HostSettings;
}

const CHECK_LIMITS = { timeoutMs: 30_000, maxRows: 1000 };

export function warehouseOf(database: string | null, dialect: string | null): WarehouseLocation | null {
  const parsed = SchemaContextSchema.shape.dialect.safeParse(dialect);
  return database !== null && parsed.success ? { database, dialect: parsed.data } : null;
}

async function executor(host: WarehouseHost, warehouse: WarehouseLocation) {
  return executorFor(
    { resources: host.resources, connection: host.settings.connection ?? noConnections },
    warehouse,
  );
}

/**
 * Runs `sql` read-only, telling `audit` how it went; FEEDBACK_NOT_VERIFIABLE naming the error when
 * it does not run.
 */
export async function checkSqlRuns(
  host: WarehouseHost,
  warehouse: WarehouseLocation,
  sql: string,
  audit?: SqlAuditor,
): Promise<SqlOutcome> {
  const started = performance.now();
  let outcome: SqlOutcome;
  try {
    outcome = await executeOnce(await executor(host, warehouse), warehouse.database, sql, CHECK_LIMITS);
  } catch (error) {
    audit?.stopped(sql, performance.now() - started, serializeError(error), 'error');
    throw error;
  }
  audit?.ran(sql, outcome);
  if (outcome.status !== 'ok') {
    throw new R1flowError(
      'FEEDBACK_NOT_VERIFIABLE',
      `the SQL does not run on ${warehouse.database}: ${outcome.error?.message ?? outcome.status}`,
      { data: { status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}) } },
    );
  }
  return outcome;
}

/** Scoring's RunSql on the warehouse's executor (whole results, the reward's 30 s). */
export async function warehouseRunSql(host: WarehouseHost, warehouse: WarehouseLocation): Promise<RunSql> {
  return sandboxRunSql(await executor(host, warehouse));
}
