// `r1flow connections add|list|test|remove`: the store's named connections. URLs are sealed with
// the server's key (R1FLOW_SECRET_KEY or the secret.key beside the store) and never printed again;
// `add NAME -` reads the URL from stdin so a password stays out of the shell's history.
import { text } from 'node:stream/consumers';
import { CONNECTION_KINDS } from '../../../engine/connections.ts';
import { openStore } from '../../../engine/store/open-store.ts';
import { AuditTrail } from '../../audit/audit-trail.ts';
import { cliActor } from '../../audit/cli-actor.ts';
import { loadServerSecret } from '../../auth/server-secret.ts';
import { Connections, type ConnectionView } from '../../connections/connections.ts';
import { parseFlags, type StoreFlagValues, storeFlags, storeLocation } from '../options.ts';
import { defineCommandGroup } from './command-group.ts';

async function withConnections<T>(
  flags: StoreFlagValues,
  use: (connections: Connections, audit: AuditTrail) => Promise<T>,
): Promise<T> {
  const location = storeLocation(flags);
  const store = await openStore(location);
  try {
    return await use(
      new Connections(store.connections, () => loadServerSecret(location).key),
      new AuditTrail(store.audit),
    );
  } finally {
    await store.close();
  }
}

const addUsage = `connections add NAME URL|- [--kind ${CONNECTION_KINDS.join('|')}] [--replace] [--store PATH|URL]`;
const listUsage = 'connections list [--json] [--store PATH|URL]';
const testUsage = 'connections test NAME [--store PATH|URL]';
const removeUsage = 'connections remove NAME [--store PATH|URL]';

export const connectionsCommand = defineCommandGroup(
  'connections',
  'Add, list, test and remove named connections (warehouses, model servers, Milvus)',
  [
    {
      name: 'add',
      summary:
        'Add a connection; the kind follows from the URL (postgres://, http(s):// = openai, *.db/*.sqlite, *.duckdb); "-" reads the URL from stdin',
      usage: addUsage,
      async run(argv) {
        const { values, positionals } = parseFlags(
          argv,
          { ...storeFlags, kind: { type: 'string' }, replace: { type: 'boolean' } },
          addUsage,
        );
        const [name, given] = positionals;
        if (!name || !given || positionals.length > 2) return usageError(addUsage);
        const url = given === '-' ? (await text(process.stdin)).trim() : given;
        // Audited by name and kind, never the URL.
        const added = await withConnections(values, (connections, audit) =>
          audit.around(
            { kind: 'connection.add', actor: cliActor(), target: name },
            () => connections.add({ name, url, kind: values.kind, replace: values.replace }),
            (connection) => ({ detail: { kind: connection.kind, replace: values.replace === true } }),
          ),
        );
        process.stdout.write(`added ${added.name} (${added.kind}) ${added.address}\n`);
        return 0;
      },
    },
    {
      name: 'list',
      summary: 'List connections: name, kind, address without password, last test',
      usage: listUsage,
      async run(argv) {
        const { values } = parseFlags(argv, { ...storeFlags, json: { type: 'boolean' } }, listUsage);
        const list = await withConnections(values, (connections) => connections.list());
        if (values.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        else if (list.length === 0) process.stdout.write('no connections\n');
        else for (const connection of list) process.stdout.write(`${listLine(connection)}\n`);
        return 0;
      },
    },
    {
      name: 'test',
      summary:
        'Try a connection (Postgres: SELECT 1; model server: GET /models; files: open read-only; Milvus: TCP)',
      usage: testUsage,
      async run(argv) {
        const { values, positionals } = parseFlags(argv, { ...storeFlags }, testUsage);
        const [name] = positionals;
        if (!name || positionals.length > 1) return usageError(testUsage);
        const tested = await withConnections(values, (connections, audit) =>
          audit.around(
            { kind: 'connection.test', actor: cliActor(), target: name },
            () => connections.test(name),
            ({ lastTest }) => (lastTest.ok ? {} : { outcome: 'error', reason: lastTest.message }),
          ),
        );
        if (tested.lastTest.ok) {
          process.stdout.write(`ok ${tested.name}: ${tested.lastTest.message}\n`);
          return 0;
        }
        process.stderr.write(`${tested.lastTest.message}\n`);
        return 1;
      },
    },
    {
      name: 'remove',
      summary: 'Remove a connection',
      usage: removeUsage,
      async run(argv) {
        const { values, positionals } = parseFlags(argv, { ...storeFlags }, removeUsage);
        const [name] = positionals;
        if (!name || positionals.length > 1) return usageError(removeUsage);
        await withConnections(values, (connections, audit) =>
          audit.around({ kind: 'connection.remove', actor: cliActor(), target: name }, () =>
            connections.remove(name),
          ),
        );
        process.stdout.write(`removed ${name}\n`);
        return 0;
      },
    },
  ],
);

function listLine(connection: ConnectionView): string {
  const test = connection.lastTest;
  const tested = test ? `${test.ok ? 'ok' : 'failed'} ${new Date(test.at).toISOString()}` : 'never tested';
  return `${connection.name}  ${connection.kind}  ${connection.address}  ${tested}`;
}

function usageError(usage: string): number {
  process.stderr.write(`usage: r1flow ${usage}\n`);
  return 2;
}
