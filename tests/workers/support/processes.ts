// Child processes for queue-mode tests: `r1flow worker` and orchestrator processes, with their
// output collected so a test can wait for a line.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RUN_TS = fileURLToPath(new URL('../../../bin/run-ts.js', import.meta.url));
const CLI = fileURLToPath(new URL('../../../bin/r1flow-dev.js', import.meta.url));
const ORCHESTRATOR = fileURLToPath(new URL('./orchestrator-process.ts', import.meta.url));
export const TEST_PLUGINS = [
  fileURLToPath(new URL('../../support/test-nodes.ts', import.meta.url)),
  fileURLToPath(new URL('./crash-node.ts', import.meta.url)),
].join(',');

export interface TestProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first output line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function startWorkerProcess(args: string[], env: Record<string, string> = {}): TestProcess {
  return startProcess([CLI, 'worker', ...args], env);
}

export function runQueuesCommand(args: string[]): TestProcess {
  return startProcess([CLI, 'queues', ...args]);
}

export function startOrchestratorProcess(args: string[]): TestProcess {
  return startProcess([RUN_TS, ORCHESTRATOR, ...args]);
}

function startProcess(args: string[], env: Record<string, string> = {}): TestProcess {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, R1FLOW_PLUGINS: TEST_PLUGINS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => output,
    exited,
    async waitForLine(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = output.split('\n').find((candidate) => pattern.test(candidate));
        if (line !== undefined) return line;
        if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
          throw new Error(
            `no line matching ${pattern} (process ${child.exitCode === null ? 'running' : `exited ${child.exitCode}`}):\n${output}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
