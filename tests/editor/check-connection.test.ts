import { describe, expect, test } from 'vitest';
import type { NodePorts } from '../../editor/src/api/api-types.ts';
import { checkConnection } from '../../editor/src/flow/check-connection.ts';

const port = (name: string, type: string) => ({ name, type, optional: false, description: '', schema: {} });
const PORTS: Record<string, NodePorts> = {
  start: { inputs: [], outputs: [port('question', 'text'), port('payload', 'json')] },
  retrieve: { inputs: [port('question', 'text')], outputs: [port('schema', 'schema')] },
  generate: {
    inputs: [port('question', 'text'), port('schema', 'schema')],
    outputs: [port('candidates', 'sql-candidates')],
  },
  branch: { inputs: [port('value', 'any')], outputs: [port('true', 'json')] },
};
const portsOf = (id: string) => PORTS[id];
const edge = (source: string, sourceHandle: string, target: string, targetHandle: string) => ({
  source,
  sourceHandle,
  target,
  targetHandle,
});

describe('checkConnection', () => {
  test('ports whose type names match connect', () => {
    const check = checkConnection(
      { source: 'start', sourcePort: 'question', target: 'retrieve', targetPort: 'question' },
      portsOf,
      [],
    );
    expect(check).toEqual({ ok: true });
  });

  test('an input of type any takes every output', () => {
    const check = checkConnection(
      { source: 'generate', sourcePort: 'candidates', target: 'branch', targetPort: 'value' },
      portsOf,
      [],
    );
    expect(check.ok).toBe(true);
  });

  test('different types are refused with both ends and both types named', () => {
    const check = checkConnection(
      { source: 'retrieve', sourcePort: 'schema', target: 'generate', targetPort: 'question' },
      portsOf,
      [],
    );
    expect(check).toEqual({
      ok: false,
      reason: 'retrieve.schema gives "schema" but generate.question takes "text"',
    });
  });

  test('an input that already has an edge is refused: an input takes one edge', () => {
    const existing = [edge('start', 'question', 'generate', 'question')];
    const check = checkConnection(
      { source: 'start', sourcePort: 'question', target: 'generate', targetPort: 'question' },
      portsOf,
      existing,
    );
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toContain('already takes start.question');
  });

  test('a connection that would close a cycle is refused with the cycle spelled out', () => {
    const existing = [
      edge('start', 'question', 'retrieve', 'question'),
      edge('retrieve', 'schema', 'generate', 'schema'),
    ];
    const ports = (id: string) =>
      id === 'start'
        ? { inputs: [port('back', 'sql-candidates')], outputs: PORTS.start!.outputs }
        : portsOf(id);
    const check = checkConnection(
      { source: 'generate', sourcePort: 'candidates', target: 'start', targetPort: 'back' },
      ports,
      existing,
    );
    expect(check).toEqual({
      ok: false,
      reason: 'that would make a cycle: generate → start → retrieve → generate',
    });
  });

  test('a node cannot feed itself, and unknown ports are named', () => {
    expect(
      checkConnection(
        { source: 'retrieve', sourcePort: 'schema', target: 'retrieve', targetPort: 'question' },
        portsOf,
        [],
      ).ok,
    ).toBe(false);
    const missing = checkConnection(
      { source: 'start', sourcePort: 'nope', target: 'retrieve', targetPort: 'question' },
      portsOf,
      [],
    );
    expect(missing).toEqual({ ok: false, reason: 'start has no output "nope"' });
  });
});
