import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '../../../engine/flow-schema.ts';
import { withVotePreset, withWarehouse } from '../../../eval/runner/flow-predictor.ts';

const example = JSON.parse(readFileSync('examples/flows/nl2sql.flow.json', 'utf8')) as FlowDocument;
const presetOf = (flow: FlowDocument, id: string) =>
  flow.nodes.find((node) => node.id === id)?.params?.preset;

describe('--preset on a flow', () => {
  it('the example flow corrects and votes with r1flow; sql-r1 turns correction off and votes as SQL-R1', () => {
    expect([presetOf(example, 'correct'), presetOf(example, 'vote')]).toEqual(['r1flow', 'r1flow']);
    const sqlR1 = withVotePreset(example, 'sql-r1');
    expect([presetOf(sqlR1, 'correct'), presetOf(sqlR1, 'vote')]).toEqual(['sql-r1', 'sql-r1']);
    expect(presetOf(sqlR1, 'generate')).toBeUndefined();
    expect(presetOf(sqlR1, 'correct')).not.toBe(presetOf(example, 'correct'));
  });

  it('refuses a flow without sql.vote', () => {
    const withoutVote = { ...example, nodes: example.nodes.filter((node) => node.id !== 'vote') };
    expect(() => withVotePreset(withoutVote, 'sql-r1')).toThrow(/no sql.vote node/);
  });
});

describe('--warehouse on a flow', () => {
  const retrieveParams = (flow: FlowDocument) => flow.nodes.find((node) => node.id === 'retrieve')?.params;
  const pinned = {
    ...example,
    nodes: example.nodes.map((node) =>
      node.id === 'retrieve' ? { ...node, params: { warehouse: 'data/old.sqlite', maxTables: 4 } } : node,
    ),
  };

  it("a PostgreSQL warehouse becomes schema.retrieve's connection, replacing the flow's own file", () => {
    const flow = withWarehouse(pinned, { database: 'connection:sales', dialect: 'postgres' });
    expect(retrieveParams(flow)).toEqual({ connection: 'sales', maxTables: 4 });
    expect(flow.nodes.filter((node) => node.id !== 'retrieve')).toEqual(
      pinned.nodes.filter((node) => node.id !== 'retrieve'),
    );
  });

  it("a file warehouse drops the flow's warehouse and connection (the host's R1FLOW_WAREHOUSE is read)", () => {
    const flow = withWarehouse(pinned, { database: '/data/lake.duckdb', dialect: 'duckdb' });
    expect(retrieveParams(flow)).toEqual({ maxTables: 4 });
  });

  it('refuses a flow without schema.retrieve', () => {
    const without = { ...example, nodes: example.nodes.filter((node) => node.id !== 'retrieve') };
    expect(() => withWarehouse(without, { database: 'connection:sales', dialect: 'postgres' })).toThrow(
      /no schema.retrieve node/,
    );
  });
});
