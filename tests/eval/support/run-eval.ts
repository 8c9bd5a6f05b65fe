// `r1flow eval` in a child process: the summary JSON is all of stdout, the EX line is stderr's last.
import { spawn } from 'node:child_process';
import type { EvalSummary } from '../../../eval/runner/ex-summary.ts';
import { CLI, collectOutput, REPO_ROOT } from '../../support/cli.ts';

export interface EvalOutput {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout, parsed (undefined when the command failed). */
  summary: (EvalSummary & Record<string, unknown>) | undefined;
  /** The last line of stderr. */
  exLine: string;
}

export async function runEval(args: string[], env: Record<string, string> = {}): Promise<EvalOutput> {
  const child = spawn(process.execPath, [CLI, 'eval', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { code, stdout, stderr } = await collectOutput(child);
  const exLine = stderr.trimEnd().split('\n').at(-1) ?? '';
  return { code, stdout, stderr, exLine, summary: code === 0 ? JSON.parse(stdout) : undefined };
}
