// `r1flow worker --db PATH` resolves named connections from the server's store with the key beside
// it; a worker without a store fails the node with a message that says how to give it one.
import { describe, expect, it } from 'vitest';
import { loadServerSecret } from '../../server/auth/server-secret.ts';
import { Connections } from '../../server/connections/connections.ts';
import { flowOf } from '../support/engine-harness.ts';
import { setUpQueueTests } from './support/queue-test-env.ts';

const env = setUpQueueTests();
const flow = flowOf({ c: ['test.connection', { name: 'sales' }] });

describe('r1flow worker and named connections', () => {
  it('a worker given the store resolves the connection; one without fails naming the fix', async () => {
    const h = await env.harness({ workers: [] });
    const connections = new Connections(h.store.connections, () => loadServerSecret(h.store.path).key);
    await connections.add({ name: 'sales', url: 'postgres://app:pw-worker-42@db.internal/sales' });

    const bare = env.worker(h.prefix, [], { R1FLOW_DB: '' });
    await bare.waitForLine(/ready/);
    const failed = await h.finished(await h.run(flow));
    expect(failed!.run.status).toBe('failed');
    expect(failed!.nodes[0]!.error).toMatchObject({ code: 'CONNECTION_NOT_FOUND' });
    expect(failed!.nodes[0]!.error!.message).toContain(
      'a node asked for connection "sales", but this worker has no store to read connections from',
    );
    await bare.kill('SIGTERM');
    await bare.exited;

    const withStore = env.worker(h.prefix, ['--db', h.store.path]);
    await withStore.waitForLine(/ready/);
    const succeeded = await h.finished(await h.run(flow));
    expect(succeeded!.run.status).toBe('succeeded');
    expect(succeeded!.nodes[0]!.output).toEqual({ out: { name: 'sales', kind: 'postgres', resolved: true } });
    expect(withStore.output() + bare.output()).not.toContain('pw-worker-42');
  });
});
