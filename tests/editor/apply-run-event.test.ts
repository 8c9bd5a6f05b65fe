import { describe, expect, test } from 'vitest';
import type { RunEvent } from '../../editor/src/api/api-types.ts';
import { applyRunEvent, runStatusAfter, viewsFromNodeRuns } from '../../editor/src/run/apply-run-event.ts';

let seq = 0;
const event = (
  type: RunEvent['type'],
  nodeId: string | null,
  data: Record<string, unknown> | null = null,
): RunEvent => ({
  seq: ++seq,
  runId: 'r1',
  type,
  nodeId,
  data,
  at: 1000 + seq,
});

describe('live node states from run events', () => {
  test('a node goes running, reports progress, then succeeds with its duration', () => {
    let nodes = applyRunEvent({}, event('node.running', 'gen', { attempt: 1 }));
    expect(nodes.gen).toMatchObject({ status: 'running', attempt: 1 });
    nodes = applyRunEvent(nodes, event('node.progress', 'gen', { message: '3 of 8 samples' }));
    expect(nodes.gen?.message).toBe('3 of 8 samples');
    nodes = applyRunEvent(nodes, event('node.succeeded', 'gen', { attempt: 1, durationMs: 420 }));
    expect(nodes.gen).toMatchObject({ status: 'succeeded', attempt: 1, durationMs: 420 });
    expect(nodes.gen?.message).toBeUndefined();
  });

  test('a retry shows the attempt and the error; a failure keeps the message', () => {
    let nodes = applyRunEvent(
      {},
      event('node.retrying', 'exec', { attempt: 1, error: { message: 'timeout' } }),
    );
    expect(nodes.exec).toMatchObject({ status: 'retrying', attempt: 1, message: 'retrying: timeout' });
    nodes = applyRunEvent(nodes, event('node.running', 'exec', { attempt: 2 }));
    nodes = applyRunEvent(nodes, event('node.failed', 'exec', { attempt: 2, error: { message: 'boom' } }));
    expect(nodes.exec).toMatchObject({ status: 'failed', attempt: 2, message: 'boom' });
    expect(nodes.exec?.handled).toBeUndefined();
  });

  test('a failure its onError policy handled is shown as handled, live and from the stored node run', () => {
    const nodes = applyRunEvent(
      {},
      event('node.failed', 'exec', { attempt: 1, error: { message: 'boom' }, onError: 'errorPort' }),
    );
    expect(nodes.exec).toMatchObject({ status: 'failed', handled: true, message: 'boom' });
    const stored = (output: unknown) =>
      ({
        nodeId: 'exec',
        status: 'failed',
        attempt: 1,
        output,
        error: { code: 'NODE_FAILED', message: 'boom' },
      }) as never;
    expect(viewsFromNodeRuns([stored({ error: { nodeId: 'exec' } })]).exec?.handled).toBe(true);
    expect(viewsFromNodeRuns([stored(null)]).exec?.handled).toBeUndefined();
  });

  test('run events change the run status and leave nodes alone', () => {
    const nodes = {};
    expect(applyRunEvent(nodes, event('run.succeeded', null))).toBe(nodes);
    expect(runStatusAfter(event('run.started', null))).toBe('running');
    expect(runStatusAfter(event('node.running', 'x'))).toBeUndefined();
  });
});
