// Who drives a run. An owner id names host and pid, so a restarted process on the same host can
// take over the runs of a dead one at once instead of waiting for their leases to expire.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export function createOwnerId(): string {
  return `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
}

/** True only when the owner ran on this host and its process is gone. */
export function isOwnerDead(owner: string): boolean {
  const [host, pidText] = owner.split('/');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
