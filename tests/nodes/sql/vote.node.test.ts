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

async function vote(candidates: ExecutedCandidate[], minConfidence?: number) {
  const results: ExecutionResults = ExecutionResultsSchema.parse({ database: '/tmp/w.sqlite', candidates });
  const params = voteNode.params.parse(minConfidence === undefined ? {} : { minConfidence });
  return voteNode.run({ params, inputs: { results }, ctx: createNodeContext() });
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
  });

  it('abstains below minConfidence, says why, and still shows the clusters', async () => {
    const output = await vote(candidates, 0.6);
    expect(output.abstained).toBe(true);
    expect(output.sql).toBeUndefined();
    expect(output.rows).toBeUndefined();
    expect(output.reason).toMatch(/2 of 4 votes .*below the minimum 0\.6/);
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

  it('declares the ports and the minConfidence param the editor shows', () => {
    expect(voteNode.key).toBe('sql.vote@1');
    expect(voteNode.lane).toBe('cpu');
    expect(Object.keys(voteNode.outputs)).toEqual([
      'sql',
      'rows',
      'confidence',
      'clusters',
      'abstained',
      'reason',
    ]);
    expect(() => voteNode.params.parse({ minConfidence: 1.5 })).toThrow();
  });
});
