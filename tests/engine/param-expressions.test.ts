// Param expressions ({"$expr": JSONata}): parsed and checked at validation (syntax, only upstream
// nodes, ports they have), evaluated by the engine just before the node runs, then checked by the
// node's params schema; a failure names the node, the param and the expression.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ExpressionFailure,
  evaluateParams,
  findExpressions,
  MAX_EXPRESSION_RESULT_BYTES,
  parseExpression,
} from '../../engine/param-expressions.ts';
import { validateFlow } from '../../engine/validate-flow.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import { createHarness, flowOf, type Harness } from '../support/engine-harness.ts';
import { TEST_NODES } from '../support/test-nodes.ts';

const registry = createNodeRegistry(TEST_NODES);

function issuesOf(flow: unknown) {
  const result = validateFlow(flow, registry);
  if (result.ok) throw new Error('expected the flow to be invalid');
  return result.issues;
}

describe('parsing expressions', () => {
  it('finds expressions anywhere in params, with their paths', () => {
    const found = findExpressions({
      label: { $expr: '$input.q' },
      headers: { 'X-Id': { $expr: '$node.a.out' }, plain: 'x' },
      list: [1, { $expr: '1 + 1' }],
    });
    expect(found.map((e) => [e.path, e.source])).toEqual([
      [['label'], '$input.q'],
      [['headers', 'X-Id'], '$node.a.out'],
      [['list', 1], '1 + 1'],
    ]);
  });

  it('lists the node outputs an expression reads, also inside filters and objects', () => {
    const parsed = parseExpression(
      '{"sql": $node.vote.sql, "n": $count($node.`ex-1`.results[$node.b.out = 1])}',
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.references).toEqual(
      expect.arrayContaining([
        { node: 'vote', port: 'sql' },
        { node: 'ex-1', port: 'results' },
        { node: 'b', port: 'out' },
      ]),
    );
  });

  it('refuses $node read dynamically, and syntax errors with their position', () => {
    for (const source of ['$node', '$lookup($node, "a")', '$node.*']) {
      const parsed = parseExpression(source);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.message).toContain('$node.<node id>.<port>');
    }
    const broken = parseExpression('$node.a.');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.message).toMatch(/at character \d+/);
  });
});

describe('evaluating expressions', () => {
  const scope = { input: { question: 'How many?' }, nodes: { a: { out: { rows: [[42]] } } } };

  it('computes values from the run input and upstream outputs; undefined leaves the key out', async () => {
    const params = await evaluateParams(
      {
        text: { $expr: '"Q: " & $input.question & " A: " & $string($node.a.out.rows[0][0])' },
        missing: { $expr: '$input.nothing' },
        list: [{ $expr: '$input.nothing' }],
        literal: 3,
      },
      scope,
    );
    expect(params).toEqual({ text: 'Q: How many? A: 42', list: [null], literal: 3 });
  });

  it('stops a runaway expression at its time bound', async () => {
    const run = evaluateParams({ x: { $expr: '($f := function($n){ $f($n + 1) }; $f(0))' } }, scope);
    await expect(run).rejects.toBeInstanceOf(ExpressionFailure);
    await expect(run).rejects.toMatchObject({ path: ['x'] });
  });

  it('refuses a value larger than the result cap', async () => {
    const run = evaluateParams({ x: { $expr: `$pad("", ${MAX_EXPRESSION_RESULT_BYTES + 10}, "a")` } }, scope);
    await expect(run).rejects.toThrow(/more than 256.0 KiB of JSON/);
  });
});

describe('validating flows with expressions', () => {
  it('accepts an expression over an upstream output even where the literal would not parse', () => {
    const result = validateFlow(
      flowOf(
        {
          t: ['trigger.manual'],
          a: ['test.step'],
          b: ['test.step', { label: { $expr: '$node.a.out.label & "!"' }, sleepMs: { $expr: '$input.ms' } }],
        },
        ['t.payload->a.in', 'a.out->b.in'],
      ),
      registry,
    );
    expect(result.ok).toBe(true);
  });

  it('still checks the literal params beside an expression', () => {
    const issues = issuesOf(
      flowOf({ t: ['trigger.manual'], a: ['test.step', { label: { $expr: '"x"' }, sleepMs: -1 }] }, [
        't.payload->a.in',
      ]),
    );
    expect(issues.map((i) => [i.code, i.path])).toEqual([['FLOW_BAD_PARAMS', 'nodes[1].params.sleepMs']]);
  });

  it('an $expr that is not a string is a literal, checked as one', () => {
    const issues = issuesOf(
      flowOf({ t: ['trigger.manual'], a: ['test.step', { label: { $expr: 5 } }] }, ['t.payload->a.in']),
    );
    expect(issues.map((i) => [i.code, i.path])).toEqual([['FLOW_BAD_PARAMS', 'nodes[1].params.label']]);
  });

  it('rejects reading a node that is not upstream, naming node, param and expression', () => {
    const issues = issuesOf(
      flowOf(
        {
          t: ['trigger.manual'],
          a: ['test.step'],
          b: ['test.step', { label: { $expr: '$node.c.out.label' } }],
          c: ['test.step'],
        },
        ['t.payload->a.in', 'a.out->b.in', 'b.out->c.in'],
      ),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: 'FLOW_BAD_EXPRESSION',
      path: 'nodes[2].params.label',
      nodeId: 'b',
    });
    expect(issues[0]!.message).toContain('param label = {"$expr": "$node.c.out.label"}');
    expect(issues[0]!.message).toContain('not upstream of b');
  });

  it('rejects unknown nodes, unknown ports, syntax errors and expressions on trigger params', () => {
    const issues = issuesOf(
      flowOf(
        {
          t: ['trigger.manual', { fields: { $expr: '[]' } }],
          u: ['trigger.manual'],
          a: ['test.step', { label: { $expr: '$node.ghost.out' } }],
          b: ['test.step', { label: { $expr: '$node.u.nope' } }],
          c: ['test.step', { label: { $expr: '$input.(' } }],
        },
        ['u.payload->a.in', 'u.payload->b.in', 'u.payload->c.in'],
      ),
    );
    const byNode = Object.fromEntries(issues.map((i) => [i.nodeId, i.message]));
    expect(issues.every((i) => i.code === 'FLOW_BAD_EXPRESSION')).toBe(true);
    expect(byNode.t).toContain('cannot be expressions');
    expect(byNode.a).toContain('not a node of the flow');
    expect(byNode.b).toContain('has no output "nope" (it has: payload');
    expect(byNode.c).toMatch(/Syntax error|Expected/);
  });
});

describe('running flows with expressions', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('evaluates expressions just before the node runs, from the run input and upstream outputs', async () => {
    harness = await createHarness();
    const runId = await harness.run(
      flowOf(
        {
          t: ['trigger.manual'],
          a: ['test.step', { label: 'first' }],
          b: ['test.step', { label: { $expr: '$node.a.out.label & " then " & $input.next' } }],
        },
        ['t.payload->a.in', 'a.out->b.in'],
      ),
      { next: 'second' },
    );
    const stored = await harness.finished(runId);
    expect(stored?.run.status).toBe('succeeded');
    expect(stored?.nodes.find((n) => n.nodeId === 'b')?.output).toMatchObject({
      out: { label: 'first then second' },
    });
  });

  it('fails the node with PARAM_EXPRESSION_FAILED when the value does not fit the param', async () => {
    harness = await createHarness();
    const runId = await harness.run(
      flowOf(
        {
          t: ['trigger.manual'],
          a: ['test.step', { sleepMs: { $expr: '$input.wait' } }, { retry: { attempts: 3, backoffMs: 1 } }],
        },
        ['t.payload->a.in'],
      ),
      { wait: 'soon' },
    );
    const stored = await harness.finished(runId);
    expect(stored?.run.status).toBe('failed');
    expect(stored?.run.error?.code).toBe('PARAM_EXPRESSION_FAILED');
    expect(stored?.run.error?.message).toContain(
      'a: param sleepMs = {"$expr": "$input.wait"}: its value "soon" is refused',
    );
    // No retry: the same data gives the same value.
    expect(stored?.nodes.find((n) => n.nodeId === 'a')?.attempt).toBe(1);
  });
});
