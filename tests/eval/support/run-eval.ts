// `r1flow eval` in a child process, with the summary JSON and the EX line split out of stdout.
import { spawn } from 'node:child_process';
import type { EvalSummary } from '../../../server/eval/ex-summary.ts';
import { CLI, REPO_ROOT } from '../../support/cli.ts';

export interface EvalOutput {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The JSON printed before the EX line (undefined when the command failed). */
  summary: (EvalSummary & Record<string, unknown>) | undefined;
  /** The last line of stdout. */
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
      const lines = stdout.trimEnd().split('\n');
      const exLine = lines.at(-1) ?? '';
      const json = lines.slice(0, -1).join('\n');
      resolve({ code, stdout, stderr, exLine, summary: code === 0 ? JSON.parse(json) : undefined });
    });
  });
}
