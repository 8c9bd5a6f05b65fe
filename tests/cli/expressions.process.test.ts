// Param expressions through the CLI: `r1flow validate` refuses an expression that reads a node not
// upstream (naming node, param and expression), and `r1flow run` computes a param from the run
// input, in a child process as a user runs it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { flowOf } from '../support/engine-harness.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-expr-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function branchFlow(condition: unknown) {
  return flowOf(
    {
      start: ['trigger.manual', { fields: [{ name: 'name', type: 'string' }] }],
      check: ['control.branch', { condition }],
      yes: ['output.answer'],
    },
    ['start.payload->check.value', 'check.true->yes.value'],
  );
}

describe('param expressions in the CLI', () => {
  it('validate refuses reading a node that is not upstream', async () => {
    const path = join(dir, 'bad.flow.json');
    writeFileSync(path, JSON.stringify(branchFlow({ $expr: '{"op": "equals", "value": $node.yes.value}' })));
    const result = await runCli(['validate', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('FLOW_BAD_EXPRESSION');
    expect(result.stderr).toContain(
      'check: param condition = {"$expr": "{\\"op\\": \\"equals\\", \\"value\\": $node.yes.value}"}',
    );
    expect(result.stderr).toContain('not upstream of check');
  });

  it('run computes a param from the run input', async () => {
    const path = join(dir, 'ok.flow.json');
    writeFileSync(
      path,
      JSON.stringify(
        branchFlow({ $expr: '{"path": "name", "op": "equals", "value": $uppercase($input.expected)}' }),
      ),
    );
    const result = await runCli([
      'run',
      path,
      '--input',
      '{"name":"ADA","expected":"ada"}',
      '--db',
      join(dir, 'r1.db'),
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ value: { name: 'ADA', expected: 'ada' } });
  });
});
