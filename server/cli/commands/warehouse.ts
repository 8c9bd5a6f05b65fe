// `r1flow warehouse check --db URL|connection:NAME`: connects to a PostgreSQL warehouse as r1flow
// would, prints the server version and role, and warns about everything the role could do besides
// reading (superuser, write grants, CREATE on a schema, default_transaction_read_only off). Exit 0
// when it connects, warnings or not; 1 when it cannot (the error names the connection, never its
// password).
import { R1flowError } from '../../../engine/errors.ts';
import {
  checkPostgresRole,
  type PostgresRoleCheck,
} from '../../../nodes/sql/postgres/postgres-role-check.ts';
import { connectionNameOf } from '../../../nodes/sql/warehouse-executor.ts';
import { openConnectionLookup } from '../../connections/cli-connection-lookup.ts';
import { parseFlags, storeLocation } from '../options.ts';
import { parseWarehouseArg } from '../warehouse-arg.ts';
import { defineCommandGroup } from './command-group.ts';

const checkUsage = `warehouse check --db postgres://…|connection:NAME [--store PATH|URL] [--json]

  --db W        the warehouse: a postgres:// URL, or connection:NAME of the store's connections
  --store PATH|URL  the store whose connections connection:NAME reads (default R1FLOW_STORE, else ./data/r1flow.db)
  --json        print {warehouse, serverVersion, role, database, warnings} as one JSON line`;

export const warehouseCommand = defineCommandGroup('warehouse', 'Check a PostgreSQL warehouse r1flow reads', [
  {
    name: 'check',
    summary: 'Connect to a PostgreSQL warehouse and warn about what its role could change',
    usage: checkUsage,
    async run(argv) {
      const { values } = parseFlags(
        argv,
        { db: { type: 'string' }, store: { type: 'string' }, json: { type: 'boolean' } },
        checkUsage,
      );
      if (values.db === undefined) {
        process.stderr.write(`usage: r1flow ${checkUsage}\n`);
        return 2;
      }
      // `--db` names the warehouse here, as in `vote`; the store of named connections is `--store`.
      const connections = openConnectionLookup(storeLocation({ store: values.store }));
      try {
        const warehouse = await parseWarehouseArg(values.db, connections.lookup);
        const name = connectionNameOf(warehouse.location.database);
        if (warehouse.location.dialect !== 'postgres' || name === undefined) {
          throw new R1flowError(
            'BAD_REQUEST',
            `warehouse check reads PostgreSQL warehouses; ${warehouse.label} is a ${warehouse.location.dialect} file`,
          );
        }
        report(
          warehouse.label,
          await checkPostgresRole(await warehouse.connection(name)),
          values.json === true,
        );
        return 0;
      } finally {
        await connections.close();
      }
    },
  },
]);

function report(label: string, check: PostgresRoleCheck, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ warehouse: label, ...check })}\n`);
    return;
  }
  process.stdout.write(
    `connected to ${label}: PostgreSQL ${check.serverVersion}, database ${check.database}, role ${check.role}\n`,
  );
  for (const warning of check.warnings) process.stdout.write(`warning: ${warning}\n`);
  if (check.warnings.length === 0) process.stdout.write('the role can only read\n');
}
