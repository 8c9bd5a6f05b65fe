// Finds the sandbox's child processes of this test process, to check that kills really happen.
import { execFileSync } from 'node:child_process';

export function sandboxChildPids(): number[] {
  const listing = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], {
    encoding: 'utf8',
  });
  return listing
    .split('\n')
    .filter((line) => line.includes('sandbox-child.ts'))
    .map((line) => Number.parseInt(line.trim(), 10))
    .sort((a, b) => a - b);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
