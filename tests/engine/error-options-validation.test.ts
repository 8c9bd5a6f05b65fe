// Validation of a node's error options: the `error` port exists only under onError "errorPort",
// and an error output is checked against the node's output ports.
import { describe, expect, it } from 'vitest';
import { portsOfNodes } from '../../engine/node-ports.ts';
import { validateFlow } from '../../engine/validate-flow.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import { flowOf } from '../support/engine-harness.ts';
import { TEST_NODES } from '../support/test-nodes.ts';

const registry = createNodeRegistry(TEST_NODES);

function issuesOf(flow: unknown) {
  const result = validateFlow(flow, registry);
  if (result.ok) throw new Error('expected the flow to be invalid');
  return result.issues.map(({ code, path, message }) => ({ code, path, message }));
}

const withTable = (options: Record<string, unknown>) =>
  flowOf(
    {
      t: ['trigger.manual'],
      table: ['test.table', { columns: ['n'], rows: [[1]] }, options],
      after: ['test.step'],
    },
    ['t.payload->table.in', 'table.rows->after.in'],
  );

describe('error options in validation', () => {
  it('the error port can be connected only when onError is "errorPort"', () => {
    const edges = ['t.payload->work.in', 'work.error->handler.in'];
    const nodes = (options: Record<string, unknown>) => ({
      t: ['trigger.manual'] as [string],
      work: ['test.step', {}, options] as [string, Record<string, unknown>, Record<string, unknown>],
      handler: ['test.step'] as [string],
    });
    expect(validateFlow(flowOf(nodes({ onError: 'errorPort' }), edges), registry).ok).toBe(true);
    for (const options of [{}, { onError: 'continue' }, { onError: 'fail' }]) {
      expect(issuesOf(flowOf(nodes(options), edges))).toEqual([
        {
          code: 'FLOW_EDGE_MISSING_PORT',
          path: 'edges[1].from.port',
          message: 'work has an "error" output only when its options.onError is "errorPort"',
        },
      ]);
    }
  });

  it('the error port is typed: an input of another type refuses it', () => {
    const issues = issuesOf(
      flowOf(
        {
          t: ['trigger.manual'],
          table: ['test.table', { columns: ['n'], rows: [[1]] }, { onError: 'errorPort' }],
          answer: ['output.answer'],
        },
        ['t.payload->table.in', 'table.error->answer.rows', 'table.rows->answer.candidates'],
      ),
    );
    expect(issues[0]).toMatchObject({
      code: 'FLOW_PORT_TYPE_MISMATCH',
      message: expect.stringContaining('table.error gives "node-error"'),
    });
  });

  it('an error output must fit the output ports: values, unknown ports, missing required ports', () => {
    expect(
      validateFlow(
        withTable({
          onError: 'continue',
          errorOutput: { rows: { columns: [], rows: [], truncated: false } },
        }),
        registry,
      ).ok,
    ).toBe(true);
    expect(issuesOf(withTable({ onError: 'continue', errorOutput: { rows: 'none' } }))).toEqual([
      {
        code: 'FLOW_BAD_OPTIONS',
        path: 'nodes[1].options.errorOutput',
        message: expect.stringMatching(/^table: errorOutput\.rows: .* \(the output "rows" is a "rows"\)$/),
      },
    ]);
    expect(issuesOf(withTable({ onError: 'continue', errorOutput: { sql: 'SELECT 1', nope: 1 } }))).toEqual([
      {
        code: 'FLOW_BAD_OPTIONS',
        path: 'nodes[1].options.errorOutput',
        message: 'table: test.table@1 has no output "nope" (it has: rows, sql)',
      },
      {
        code: 'FLOW_BAD_OPTIONS',
        path: 'nodes[1].options.errorOutput',
        message: 'table: errorOutput needs a value for the output "rows" (rows)',
      },
    ]);
  });

  it('an error output needs onError "continue", and continueOnError is not given beside onError', () => {
    expect(issuesOf(withTable({ onError: 'errorPort', errorOutput: {} }))).toEqual([
      {
        code: 'FLOW_BAD_OPTIONS',
        path: 'nodes[1].options.errorOutput',
        message: 'table: errorOutput is used only with onError "continue"',
      },
    ]);
    expect(issuesOf(withTable({ onError: 'fail', continueOnError: true }))).toEqual([
      {
        code: 'FLOW_BAD_OPTIONS',
        path: 'nodes[1].options.continueOnError',
        message: 'table: continueOnError is the older spelling of onError; give only onError',
      },
    ]);
    expect(issuesOf(withTable({ onError: 'sometimes' }))[0]).toMatchObject({
      code: 'FLOW_SCHEMA_INVALID',
      path: 'nodes[1].options.onError',
    });
  });

  it('the ports the editor draws include the error port under "errorPort", even while params are bad', () => {
    const flow = flowOf({
      a: ['test.step', {}, { onError: 'errorPort' }],
      b: ['test.step', { sleepMs: -1 }, { onError: 'errorPort' }],
      c: ['test.step', {}, { onError: 'continue' }],
    });
    const ports = portsOfNodes(flow, registry);
    expect(ports.a!.outputs.map((p) => [p.name, p.type])).toEqual([
      ['out', 'json'],
      ['error', 'node-error'],
    ]);
    expect(ports.b!.outputs.map((p) => p.name)).toEqual(['out', 'error']);
    expect(ports.c!.outputs.map((p) => p.name)).toEqual(['out']);
  });

  it('trigger.error watches at least one flow id or "*"', () => {
    const flow = (flows: unknown) => flowOf({ caught: ['trigger.error', { flows }] }, [], 'alerts');
    expect(validateFlow(flow(['*']), registry).ok).toBe(true);
    expect(validateFlow(flowOf({ caught: ['trigger.error'] }), registry).ok).toBe(true);
    expect(issuesOf(flow([]))[0]).toMatchObject({ code: 'FLOW_BAD_PARAMS', path: 'nodes[0].params.flows' });
    expect(issuesOf(flow(['no spaces']))[0]).toMatchObject({
      code: 'FLOW_BAD_PARAMS',
      path: 'nodes[0].params.flows[0]',
    });
  });
});
