import { describe, expect, it } from 'vitest';
import { createNodeContext } from '../../../engine/node-context.ts';
import voteNode from '../../../nodes/sql/vote.node.ts';
import type { ExecutedCandidate, ExecutionResults } from '../../../nodes/types.ts';
import { ExecutionResultsSchema } from '../../../nodes/types.ts';

function candidate(
  index: number,
  sql: string | null,
  rows: (string | number)[][] | 'error',
): ExecutedCandidate {
  const failedToRun = rows === 'error';
  return {
    index,
    sql,
    status: sql === null ? 'empty' : failedToRun ? 'error' : 'ok',
    columns: failedToRun ? [] : ['name'],
    rows: failedToRun ? [] : rows,
    rowCount: failedToRun ? 0 : rows.length,
    truncated: false,
    durationMs: 2,
  };
}

async function vote(candidates: ExecutedCandidate[], params: Record<string, unknown> = {}) {
  const results: ExecutionResults = ExecutionResultsSchema.parse({ database: '/tmp/w.sqlite', candidates });
  return voteNode.run({
    params: voteNode.params.parse(params),
    inputs: { results },
    ctx: createNodeContext(),
  });
}

describe('sql.vote node', () => {
  const candidates = [
    candidate(0, 'SELECT name FROM singer', [['Joe'], ['Ann']]),
    candidate(1, 'SELECT name FROM singer ORDER BY name', [['Ann'], ['Joe']]),
    candidate(2, 'SELECT nme FROM singer', 'error'),
    candidate(3, 'SELECT name FROM singer LIMIT 1', [['Joe']]),
  ];

  it('answers with the winning SQL, its rows, the confidence and every cluster', async () => {
    const output = await vote(candidates);
    expect(output.abstained).toBe(false);
    expect(output.sql).toBe('SELECT name FROM singer');
    expect(output.rows).toEqual({ columns: ['name'], rows: [['Joe'], ['Ann']], truncated: false });
    expect(output.confidence).toBe(0.5);
    expect(output.clusters).toEqual([
      { sql: 'SELECT name FROM singer', votes: 2, members: [0, 1], rowCount: 2 },
      { sql: 'SELECT name FROM singer LIMIT 1', votes: 1, members: [3], rowCount: 1 },
    ]);
    expect(output.reason).toBeUndefined();
    expect(output).toMatchObject({ share: 2 / 3, margin: 1 / 3, valid: 3, clusterCount: 2 });
  });

  // Three candidates agree on no rows, two on one row.
  const emptyMajority = [
    candidate(0, 'SELECT name FROM singer WHERE age > 90', []),
    candidate(1, 'SELECT name FROM singer WHERE age >= 91', []),
    candidate(2, 'SELECT name FROM singer WHERE 0', []),
    candidate(3, 'SELECT name FROM singer WHERE age > 40', [['Joe']]),
    candidate(4, 'SELECT name FROM singer WHERE age >= 41', [['Joe']]),
  ];

  it('preset sql-r1 (the default) is SQL-R1’s vote; preset r1flow lets 2 rows beat 3 empty results', async () => {
    expect(voteNode.params.parse({}).preset).toBe('sql-r1');
    const plain = await vote(emptyMajority);
    expect(plain).toMatchObject({
      sql: 'SELECT name FROM singer WHERE age > 90',
      abstained: false,
      share: 3 / 5,
    });
    const tuned = await vote(emptyMajority, { preset: 'r1flow' });
    expect(tuned).toMatchObject({ sql: 'SELECT name FROM singer WHERE age > 40', abstained: false });
    expect(tuned.rows?.rows).toEqual([['Joe']]);
    expect(tuned.clusters.map((cluster) => cluster.votes)).toEqual([2, 3]);
    expect(tuned.margin).toBe(-1 / 5);
    // A single option overrides the preset.
    const overridden = await vote(emptyMajority, { preset: 'r1flow', emptyResultWeight: 1 });
    expect(overridden.sql).toBe('SELECT name FROM singer WHERE age > 90');
  });

  it('says "not sure" below abstainBelow (share of valid votes), with the top clusters and no answer', async () => {
    const output = await vote(candidates, { abstainBelow: 0.7 });
    expect(output).toMatchObject({ abstained: true, share: 2 / 3, valid: 3, clusterCount: 2 });
    expect(output.sql).toBeUndefined();
    expect(output.rows).toBeUndefined();
    expect(output.reason).toBe(
      'not sure: the top group has 2 of 3 valid votes (share 0.67), below abstainBelow 0.7; the runner-up has 1',
    );
    expect(output.clusters.map((cluster) => cluster.sql)).toEqual([
      'SELECT name FROM singer',
      'SELECT name FROM singer LIMIT 1',
    ]);
    // The error does not count against the share, only against minConfidence's confidence.
    expect((await vote(candidates, { abstainBelow: 0.6 })).abstained).toBe(false);
  });

  it('abstains below minConfidence, says why, and still shows the clusters', async () => {
    const output = await vote(candidates, { minConfidence: 0.6 });
    expect(output.abstained).toBe(true);
    expect(output.sql).toBeUndefined();
    expect(output.rows).toBeUndefined();
    expect(output.reason).toMatch(/^not sure: .*2 of 4 votes .*below the minimum 0\.6; the runner-up has 1$/);
    expect(output.clusters).toHaveLength(2);
  });

  it('abstains when no candidate ran, listing what happened to them', async () => {
    const output = await vote([
      candidate(0, null, []),
      candidate(1, 'SELEC', 'error'),
      candidate(2, 'x', 'error'),
    ]);
    expect(output).toMatchObject({ abstained: true, confidence: 0, clusters: [] });
    expect(output.reason).toBe('none of the 3 candidates ran (1 empty, 2 error)');
  });

  it('says why candidates were refused when a table limit stopped them', async () => {
    const forbidden = (index: number): ExecutedCandidate => ({
      ...candidate(index, 'SELECT name FROM customers', 'error'),
      status: 'forbidden',
      error: {
        code: 'SQL_TABLE_FORBIDDEN',
        message: 'the query reads customers, which is not among the allowed tables (orders)',
      },
    });
    const output = await vote([forbidden(0), forbidden(1), candidate(2, null, [])]);
    expect(output.abstained).toBe(true);
    expect(output.reason).toBe(
      'none of the 3 candidates ran (2 forbidden, 1 empty); refused: the query reads customers, which is not among the allowed tables (orders)',
    );
  });

  it('declares the ports and checks the params the editor shows', () => {
    expect(voteNode.key).toBe('sql.vote@1');
    expect(voteNode.lane).toBe('cpu');
    expect(Object.keys(voteNode.outputs)).toEqual([
      'sql',
      'rows',
      'confidence',
      'clusters',
      'abstained',
      'reason',
      'share',
      'margin',
      'valid',
      'clusterCount',
    ]);
    expect(() => voteNode.params.parse({ minConfidence: 1.5 })).toThrow();
    expect(() => voteNode.params.parse({ abstainBelow: -0.1 })).toThrow();
    expect(() => voteNode.params.parse({ preset: 'best' })).toThrow();
    expect(() => voteNode.params.parse({ tieBreak: ['longest'] })).toThrow();
  });
});
