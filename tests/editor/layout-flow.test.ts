import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { type LayoutNode, layoutFlow } from '../../editor/src/flow/layout-flow.ts';

interface ExampleFlow {
  nodes: { id: string }[];
  edges: { from: { node: string; port: string }; to: { node: string; port: string } }[];
}

const example = JSON.parse(
  readFileSync(new URL('../../examples/flows/nl2sql.flow.json', import.meta.url), 'utf8'),
) as ExampleFlow;

function nodesOf(flow: ExampleFlow): LayoutNode[] {
  return flow.nodes.map((node) => ({
    id: node.id,
    width: 210,
    height: 120,
    inputs: [...new Set(flow.edges.filter((e) => e.to.node === node.id).map((e) => e.to.port))],
    outputs: [...new Set(flow.edges.filter((e) => e.from.node === node.id).map((e) => e.from.port))],
  }));
}

const edgesOf = (flow: ExampleFlow) =>
  flow.edges.map((edge) => ({
    source: edge.from.node,
    target: edge.to.node,
    sourcePort: edge.from.port,
    targetPort: edge.to.port,
  }));

function overlaps(
  a: { x: number; y: number },
  b: { x: number; y: number },
  width: number,
  height: number,
): boolean {
  return Math.abs(a.x - b.x) < width && Math.abs(a.y - b.y) < height;
}

describe('layoutFlow (elkjs layered, left to right)', () => {
  test('every edge of the NL2SQL pipeline points right, and no two nodes overlap', async () => {
    const positions = await layoutFlow(nodesOf(example), edgesOf(example));
    expect(Object.keys(positions).sort()).toEqual(example.nodes.map((n) => n.id).sort());
    for (const edge of example.edges) {
      expect(positions[edge.to.node]!.x, `${edge.from.node} → ${edge.to.node}`).toBeGreaterThan(
        positions[edge.from.node]!.x + 210,
      );
    }
    const ids = Object.keys(positions);
    for (const [i, a] of ids.entries()) {
      for (const b of ids.slice(i + 1))
        expect(overlaps(positions[a]!, positions[b]!, 210, 120), `${a}/${b}`).toBe(false);
    }
  });

  test('the same graph gets the same positions every time', async () => {
    const first = await layoutFlow(nodesOf(example), edgesOf(example));
    const second = await layoutFlow(nodesOf(example), edgesOf(example));
    expect(second).toEqual(first);
  });

  test('nodes without edges, edges to unknown nodes and unknown ports still get a layout', async () => {
    const positions = await layoutFlow(
      [
        { id: 'a', width: 100, height: 50, outputs: ['out'] },
        { id: 'b', width: 100, height: 50, inputs: ['in'] },
        { id: 'lonely', width: 100, height: 50 },
      ],
      [
        { source: 'a', target: 'b', sourcePort: 'out', targetPort: 'renamed' },
        { source: 'a', target: 'ghost' },
        { source: 'b', target: 'b' },
      ],
    );
    expect(Object.keys(positions).sort()).toEqual(['a', 'b', 'lonely']);
    expect(positions.b!.x).toBeGreaterThan(positions.a!.x);
  });

  test('an empty flow has no positions', async () => {
    expect(await layoutFlow([], [])).toEqual({});
  });

  test('a 200-node flow is laid out left to right', async () => {
    const nodes: LayoutNode[] = Array.from({ length: 200 }, (_, i) => ({
      id: `n${i}`,
      width: 210,
      height: 100,
      inputs: ['in'],
      outputs: ['out'],
    }));
    const edges = nodes.slice(1).map((node, i) => ({
      source: `n${Math.floor(i / 3)}`,
      target: node.id,
      sourcePort: 'out',
      targetPort: 'in',
    }));
    const positions = await layoutFlow(nodes, edges);
    for (const edge of edges) expect(positions[edge.target]!.x).toBeGreaterThan(positions[edge.source]!.x);
  });
});
