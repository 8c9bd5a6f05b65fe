import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '../../engine/flow-schema.ts';
import { validateFlow } from '../../engine/validate-flow.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import { flowOf } from '../support/engine-harness.ts';
import { TEST_NODES } from '../support/test-nodes.ts';

const registry = createNodeRegistry(TEST_NODES);

function issuesOf(flow: unknown) {
  const result = validateFlow(flow, registry);
  if (result.ok) throw new Error('expected the flow to be invalid');
  return result.issues;
}

describe('flow validation', () => {
  it('accepts a valid flow and orders its nodes topologically', () => {
    const result = validateFlow(
      flowOf({ c: ['test.step'], a: ['trigger.manual'], b: ['test.step'] }, [
        'a.payload->b.in',
        'b.out->c.in',
      ]),
      registry,
    );
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.flow.order).toEqual(['a', 'b', 'c']);
  });

  it('a cyclic flow is rejected with the ids of the nodes on the cycle', () => {
    const issues = issuesOf(
      flowOf({ t: ['trigger.manual'], a: ['test.step'], b: ['test.step'], c: ['test.step'] }, [
        't.payload->a.in',
        'a.out->b.in',
        'b.out->c.in',
        'c.out->a.other',
      ]),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]!.code).toBe('FLOW_CYCLE');
    expect(issues[0]!.message).toContain('a → b → c → a');
  });

  it('a node wired to itself is a cycle', () => {
    const issues = issuesOf(flowOf({ a: ['test.step'] }, ['a.out->a.in']));
    expect(issues.map((i) => i.code)).toEqual(['FLOW_CYCLE']);
  });

  it('reports every problem at once, each with a code and a JSON path', () => {
    const issues = issuesOf({
      id: 'bad',
      name: 'bad',
      nodes: [
        { id: 'a', type: 'trigger.manual@1', params: {} },
        { id: 'a', type: 'test.step@1', params: {} },
        { id: 'x', type: 'nope.missing@1', params: {} },
        { id: 'p', type: 'test.step@1', params: { sleepMs: -5 } },
        { id: 'v', type: 'test.step@7', params: {} },
        { id: 'ans', type: 'control.branch@1', params: {} },
      ],
      edges: [
        { id: 'e1', from: { node: 'ghost', port: 'out' }, to: { node: 'p', port: 'in' } },
        { id: 'e2', from: { node: 'a', port: 'nothere' }, to: { node: 'p', port: 'in' } },
        { id: 'e3', from: { node: 'a', port: 'payload' }, to: { node: 'p', port: 'in' } },
      ],
    });
    const byCode = Object.fromEntries(issues.map((i) => [i.code, i]));
    expect(byCode.FLOW_DUPLICATE_ID?.path).toBe('nodes[1].id');
    const unknown = issues.filter((i) => i.code === 'FLOW_UNKNOWN_NODE_TYPE').map((i) => i.path);
    expect(unknown).toEqual(['nodes[2].type', 'nodes[4].type']);
    expect(byCode.FLOW_BAD_PARAMS?.path).toBe('nodes[3].params.sleepMs');
    expect(
      issues
        .filter((i) => i.code === 'FLOW_UNKNOWN_NODE_TYPE')
        .map((i) => i.message)
        .join(),
    ).toContain('installed versions of test.step: 1');
    expect(byCode.FLOW_EDGE_MISSING_NODE?.path).toBe('edges[0].from.node');
    expect(byCode.FLOW_EDGE_MISSING_PORT?.path).toBe('edges[1].from.port');
    expect(byCode.FLOW_EDGE_MISSING_PORT?.message).toContain('it has: payload');
    expect(byCode.FLOW_MISSING_INPUT?.nodeId).toBe('ans');
  });

  it("a node's own bad param is one issue, not also a missing input on the nodes it feeds", () => {
    const nl2sql = JSON.parse(readFileSync('examples/flows/nl2sql.flow.json', 'utf8')) as FlowDocument;
    const generate = nl2sql.nodes.find((node) => node.type.startsWith('llm.generate@'))!;
    generate.params = { ...generate.params, n: 999 };
    const issues = issuesOf(nl2sql);
    expect(issues.map((i) => [i.code, i.nodeId])).toEqual([['FLOW_BAD_PARAMS', generate.id]]);
  });

  it('an empty flow is invalid: saving it would "succeed" and every run would do nothing', () => {
    const issues = issuesOf({ id: 'empty', name: 'Empty', nodes: [], edges: [] });
    expect(issues).toEqual([expect.objectContaining({ code: 'FLOW_EMPTY', path: 'nodes' })]);
    expect(issues[0]!.message).toContain('trigger');
  });

  it('param problems read as plain sentences naming the field', () => {
    const issues = issuesOf(
      flowOf({ t: ['trigger.manual', { fields: [{ type: 'string' }] }], a: ['test.step', { sleepMs: -5 }] }, [
        't.payload->a.in',
      ]),
    );
    expect(issues.map((i) => i.message)).toEqual([
      't: "fields[0].name" is required',
      expect.stringMatching(/^a: "sleepMs" must be at least 0$/),
    ]);
  });

  it('refuses to connect ports whose types differ', () => {
    const issues = issuesOf(
      flowOf({ t: ['trigger.manual', { fields: [{ name: 'n', type: 'number' }] }], a: ['output.answer'] }, [
        't.n->a.question',
      ]),
    );
    expect(issues[0]).toMatchObject({ code: 'FLOW_PORT_TYPE_MISMATCH', path: 'edges[0]' });
    expect(issues[0]!.message).toContain('gives "number" but a.question takes "text"');
  });

  it('an input takes one edge', () => {
    const issues = issuesOf(
      flowOf({ t: ['trigger.manual'], u: ['trigger.manual'], a: ['test.step'] }, [
        't.payload->a.in',
        'u.payload->a.in',
      ]),
    );
    expect(issues[0]!.code).toBe('FLOW_INPUT_TAKEN');
  });

  it('rejects documents that fail the flow schema, with the failing path', () => {
    const issues = issuesOf({ id: 'x', name: 'x', nodes: [{ id: '1bad', type: 'test.step@1' }], edges: [] });
    expect(issues[0]).toMatchObject({ code: 'FLOW_SCHEMA_INVALID', path: 'nodes[0].id' });
  });

  it('trigger fields become typed output ports', () => {
    const result = validateFlow(
      flowOf({ t: ['trigger.manual', { fields: [{ name: 'question' }] }], a: ['output.answer'] }, [
        't.question->a.question',
      ]),
      registry,
    );
    expect(result.ok).toBe(true);
  });
});
