// Entry of a sandbox child process (forked by SqlSandboxPool): answers one query at a
// time over IPC. The parent kills this process to stop a query; when the parent goes away the IPC
// channel closes and the child exits with it.
import { ReadonlyConnections } from './readonly-connections.ts';
import { runQuery } from './run-query.ts';
import type { ChildMessage, ChildRequestMessage } from './sql-outcome.ts';

const connections = new ReadonlyConnections();

function send(message: ChildMessage): void {
  process.send?.(message);
}

process.on('message', (message: ChildRequestMessage) => {
  send({ type: 'outcome', id: message.id, outcome: runQuery(connections, message.request) });
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
