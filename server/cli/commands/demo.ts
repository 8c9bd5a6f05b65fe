// `r1flow demo load`: the demo warehouse into a PostgreSQL database, so the README's examples and
// the demo questions can run on PostgreSQL as they do on the SQLite demo file.
import { R1flowError } from '../../../engine/errors.ts';
import { describePostgresUrl } from '../../../nodes/warehouse/postgres-client.ts';
import { loadDemoIntoPostgres } from '../../demo/load-postgres.ts';
import { parseFlags } from '../options.ts';
import { defineCommandGroup } from './command-group.ts';

const loadUsage = 'demo load --db postgres://USER:PASSWORD@HOST:PORT/DATABASE [--replace]';

export const demoCommand = defineCommandGroup('demo', 'Load the demo warehouse into PostgreSQL', [
  {
    name: 'load',
    summary: 'Create the demo tables and rows in a PostgreSQL database (--replace drops existing ones)',
    usage: loadUsage,
    async run(argv) {
      const { values } = parseFlags(
        argv,
        { db: { type: 'string' }, replace: { type: 'boolean' } },
        loadUsage,
      );
      const url = values.db;
      if (url === undefined || !/^postgres(ql)?:\/\//.test(url)) {
        throw new R1flowError('BAD_REQUEST', `--db must be a postgres:// URL\nusage: r1flow ${loadUsage}`);
      }
      // The URL stands in for a connection name in messages, without its user and password.
      const name = describePostgresUrl(url);
      const counts = await loadDemoIntoPostgres(
        { name, kind: 'postgres', url },
        { replace: values.replace ?? false },
      );
      const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
      const tables = Object.entries(counts)
        .map(([table, count]) => `${table} ${count}`)
        .join(', ');
      process.stdout.write(`loaded the demo warehouse into ${name}: ${total} rows (${tables})\n`);
      return 0;
    },
  },
]);
