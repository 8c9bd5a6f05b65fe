import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../engine/store/records.ts';
import { predictionFromRun } from '../../../eval/runner/run-prediction.ts';

function finishedRun(patch: Partial<RunRecord>): RunRecord {
  return {
    id: 'run-1',
    flowId: 'nl2sql',
    flowVersion: 1,
    project: 'default',
    status: 'succeeded',
    input: {},
    output: null,
    error: null,
    trigger: { kind: 'eval' },
    rerunOf: null,
    threadId: null,
    idempotencyKey: null,
    startedBy: null,
    access: null,
    owner: null,
    leaseUntil: null,
    cancelRequested: false,
    cost: null,
    createdAt: 0,
    startedAt: 0,
    finishedAt: 1,
    ...patch,
  };
}

const answer = {
  question: 'How many?',
  sql: 'SELECT count(*) FROM t',
  columns: ['count(*)'],
  rows: [[3]],
  truncated: false,
  confidence: 0.625,
  explanation: '',
  abstained: false,
  clusters: [
    { sql: 'SELECT 1', votes: 3, members: [0, 1, 2], rowCount: 1 },
    { sql: 'SELECT count(*) FROM t', votes: 5, members: [3, 4, 5, 6, 7], rowCount: 1 },
  ],
};

describe('a run as an evaluation prediction', () => {
  it("takes the answer's SQL, confidence and the winner's votes", () => {
    expect(predictionFromRun(finishedRun({ output: { answer } }))).toEqual({
      sql: 'SELECT count(*) FROM t',
      runId: 'run-1',
      confidence: 0.625,
      votes: 5,
    });
  });

  it('finds the answer when several output nodes key the output by node id', () => {
    const output = { log: { value: 1 }, final: { answer } };
    expect(predictionFromRun(finishedRun({ output })).sql).toBe('SELECT count(*) FROM t');
  });

  it('an abstaining vote is an empty prediction with the reason', () => {
    const abstained = {
      ...answer,
      sql: null,
      abstained: true,
      reason: 'none of the 8 candidates ran (8 error)',
    };
    expect(predictionFromRun(finishedRun({ output: { answer: abstained } }))).toMatchObject({
      sql: '',
      error: { code: 'ABSTAINED', message: 'none of the 8 candidates ran (8 error)' },
    });
  });

  it('a failed run is an empty prediction with the failing node and its error', () => {
    const error = {
      code: 'LLM_UNREACHABLE' as const,
      message: 'cannot reach http://127.0.0.1:9/v1',
      nodeId: 'generate',
    };
    expect(predictionFromRun(finishedRun({ status: 'failed', error }))).toEqual({
      sql: '',
      runId: 'run-1',
      error,
    });
  });

  it('a flow whose output has no answer is an empty prediction saying so', () => {
    expect(predictionFromRun(finishedRun({ output: { value: 42 } })).error?.code).toBe('NODE_BAD_OUTPUT');
  });
});
