import { describe, expect, it } from 'vitest';
import { encodeWithinCap, parseJobResult, parseNodeJob } from '../../workers/job-payload.ts';

const job = {
  jobId: 'r1-n1-1',
  runId: 'r1',
  nodeId: 'n1',
  attempt: 1,
  nodeKey: 'test.step@1',
  lane: 'cpu',
  params: {},
  inputs: { in: 1 },
};

describe('queue payloads', () => {
  it('accepts a node job and names the first bad field of anything else', () => {
    expect(parseNodeJob(job)).toEqual({ ok: true, job });
    expect(parseNodeJob({ ...job, lane: 'gpu' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^lane: /),
    });
    expect(parseNodeJob({ ...job, jobId: 'a:b' })).toEqual({
      ok: false,
      reason: 'jobId: job ids must not contain ":"',
    });
    expect(parseNodeJob('nonsense')).toMatchObject({ ok: false });
  });

  it('reads back a result and refuses what is not one', () => {
    const result = {
      jobId: 'r1-n1-1',
      runId: 'r1',
      nodeId: 'n1',
      attempt: 1,
      outcome: { ok: false, error: { code: 'NODE_FAILED', message: 'boom' } },
      startedAt: 1,
      finishedAt: 2,
    };
    expect(parseJobResult(JSON.stringify(result))).toEqual(result);
    expect(parseJobResult('{"jobId": 1}')).toBeUndefined();
    expect(parseJobResult('not json')).toBeUndefined();
  });

  it('refuses a payload over the cap with its size and the cap in the message', () => {
    expect(encodeWithinCap({ a: 1 }, 100, 'x', 'JOB_DATA_INVALID')).toEqual({ ok: true, json: '{"a":1}' });
    const refused = encodeWithinCap(
      { text: 'y'.repeat(3 * 1024 * 1024) },
      1024 * 1024,
      'the job of node n1',
      'JOB_DATA_INVALID',
    );
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('JOB_DATA_INVALID');
    expect(refused.error.message).toMatch(
      /^the job of node n1 is 3\.00 MiB of JSON, over queue mode's cap of 1\.00 MiB/,
    );
  });
});
