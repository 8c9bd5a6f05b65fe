// Which runs a caller may see: every run, or (a runner) only those they started, in person or
// with one of their keys. A run the caller may not see answers as missing, naming nothing more.
import type { FastifyRequest } from 'fastify';
import { R1flowError } from '../../engine/errors.ts';
import type { RunRecord } from '../../engine/store/records.ts';
import { scopeOf } from '../auth/permissions.ts';

/** The user whose runs alone the caller may see; undefined when they may see every run. */
export function ownRunsOnly(request: FastifyRequest): string | undefined {
  const principal = request.principal;
  if (!principal || scopeOf(principal.role, 'runs.read') === 'all') return undefined;
  // A role that reads its own runs only, without a user, owns none.
  return principal.userId ?? '';
}

/** The run when the caller may see it; RUN_NOT_FOUND otherwise, as for a run that does not exist. */
export function visibleRun<T extends Pick<RunRecord, 'id' | 'startedBy'>>(
  request: FastifyRequest,
  run: T | null,
  runId: string,
): T {
  const owner = ownRunsOnly(request);
  if (run === null || (owner !== undefined && run.startedBy?.userId !== owner)) {
    throw new R1flowError('RUN_NOT_FOUND', `no run "${runId}"`);
  }
  return run;
}
