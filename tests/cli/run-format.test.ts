import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../engine/store/records.ts';
import { formatRunTable } from '../../server/cli/run-format.ts';

function run(overrides: Partial<RunRecord>): RunRecord {
  return {
    id: 'r1',
    flowId: 'nl2sql',
    flowVersion: 1,
    project: 'default',
    status: 'succeeded',
    input: {},
    output: null,
    error: null,
    trigger: { kind: 'api' },
    rerunOf: null,
    threadId: null,
    idempotencyKey: null,
    startedBy: null,
    access: null,
    owner: null,
    leaseUntil: null,
    cancelRequested: false,
    createdAt: 0,
    startedAt: 0,
    finishedAt: 10,
    cost: null,
    ...overrides,
  };
}

describe('runs list', () => {
  it('shows who started each run and its question', () => {
    const text = formatRunTable([
      run({
        id: 'r-editor',
        trigger: { kind: 'manual', detail: { source: 'editor' } },
        input: { question: 'How many customers do we have?' },
      }),
      run({ id: 'r-hook', trigger: { kind: 'webhook' }, input: { q: 1 } }),
    ]);
    const [header, editor, hook] = text.trim().split('\n');
    expect(header).toMatch(/BY\s+QUESTION$/);
    expect(editor).toMatch(/editor\s+How many customers do we have\?$/);
    expect(hook).toMatch(/webhook$/);
  });
});
