// `r1flow eval` in a child process: the summary JSON is all of stdout, the EX line is stderr's last.
import { spawn } from 'node:child_process';
import type { EvalSummary } from '../../../server/eval/ex-summary.ts';
import { CLI, REPO_ROOT } from '../../support/cli.ts';

export interface EvalOutput {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout, parsed (undefined when the command failed). */
  summary: (EvalSummary & Record<string, unknown>) | undefined;
  /** The last line of stderr. */
  exLine: string;
}

export function runEval(args: string[], env: Record<string, string> = {}): Promise<EvalOutput> {
  const child = spawn(process.execPath, [CLI, 'eval', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const exLine = stderr.trimEnd().split('\n').at(-1) ?? '';
      resolve({ code, stdout, stderr, exLine, summary: code === 0 ? JSON.parse(stdout) : undefined });
    });
  });
}
