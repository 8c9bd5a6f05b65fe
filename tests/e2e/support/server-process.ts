// `r1flow start` as a real process on a free port, for tests of several servers on one store:
// resolves once it listens, with everything it printed so far and later.
import type { ChildProcess } from 'node:child_process';
import { startCli, waitFor } from '../../support/cli.ts';

export interface ServerProcess {
  name: string;
  url: string;
  child: ChildProcess;
  output(): string;
}

/** Starts `r1flow start --port 0 …args`; `track` gets the child at once, so the caller can kill it even if it never listens. */
export async function startServerProcess(
  name: string,
  args: readonly string[],
  env: Record<string, string>,
  track: (child: ChildProcess) => void,
): Promise<ServerProcess> {
  const { child } = startCli(['start', '--port', '0', ...args], env);
  track(child);
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`server ${name} exited:\n${output}`);
      return /r1flow is running at (\S+)/.test(output);
    },
    90_000,
    `server ${name} to start`,
  );
  const url = /r1flow is running at (\S+)/.exec(output)![1]!;
  return { name, url, child, output: () => output };
}
