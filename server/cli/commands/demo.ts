// `r1flow demo load`: the demo warehouse into a PostgreSQL database, so the README's examples and
// the demo questions can run on PostgreSQL as they do on the SQLite demo file.

import { displayUrl } from '../../../engine/connection-redaction.ts';
import type { ResolvedConnection } from '../../../engine/connections.ts';
import { R1flowError } from '../../../engine/errors.ts';
import { connectionLookupFromFlags } from '../../connections/cli-connection-lookup.ts';
import { loadDemoIntoPostgres } from '../../demo/load-postgres.ts';
import { parseFlags } from '../options.ts';
import { defineCommandGroup } from './command-group.ts';

const loadUsage =
  'demo load (--connection NAME | --db postgres://USER:PASSWORD@HOST:PORT/DATABASE) [--replace] [--store PATH|URL]';

export const demoCommand = defineCommandGroup('demo', 'Load the demo warehouse into PostgreSQL', [
  {
    name: 'load',
    summary:
      'Create the demo tables and rows in a PostgreSQL database: a named connection (of the store at --store, ' +
      'R1FLOW_STORE or ./data/r1flow.db) or a URL; --replace drops existing demo tables first',
    usage: loadUsage,
    async run(argv) {
      const { values } = parseFlags(
        argv,
        {
          db: { type: 'string' },
          connection: { type: 'string' },
          store: { type: 'string' },
          replace: { type: 'boolean' },
        },
        loadUsage,
      );
      const connection = await targetConnection(values);
      const counts = await loadDemoIntoPostgres(connection, { replace: values.replace ?? false });
      const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
      const tables = Object.entries(counts)
        .map(([table, count]) => `${table} ${count}`)
        .join(', ');
      process.stdout.write(`loaded the demo warehouse into ${connection.name}: ${total} rows (${tables})\n`);
      return 0;
    },
  },
]);

async function targetConnection(values: {
  db?: string | undefined;
  connection?: string | undefined;
  store?: string | undefined;
}): Promise<ResolvedConnection> {
  if (values.connection !== undefined && values.db === undefined) {
    const connections = connectionLookupFromFlags({ store: values.store });
    try {
      return await connections.lookup(values.connection);
    } finally {
      await connections.close();
    }
  }
  const url = values.db;
  if (values.connection !== undefined || url === undefined || !/^postgres(ql)?:\/\//.test(url)) {
    throw new R1flowError(
      'BAD_REQUEST',
      `give --connection NAME or --db with a postgres:// URL\nusage: r1flow ${loadUsage}`,
    );
  }
  // The URL stands in for a connection name in messages, without its password.
  return { name: displayUrl(url), kind: 'postgres', url };
}
