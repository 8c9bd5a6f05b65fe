// Which runs a caller may see: the runs of the projects where their role reads runs, and where it
// reads only its own (a runner), the runs they started in person or with one of their keys. A run
// the caller may not see answers as missing, naming nothing more.
import type { FastifyRequest } from 'fastify';
import { R1flowError } from '../../engine/errors.ts';
import type { RunFilter, RunRecord } from '../../engine/store/records.ts';
import { projectsWith } from '../auth/project-access.ts';
import { callerOf, checkProject } from './project-guard.ts';
import type { ServerContext } from './server-context.ts';

/** What a run listing is narrowed to for this caller; undefined when they see every run. */
export function visibleRuns(request: FastifyRequest): RunFilter['visibleTo'] {
  const caller = callerOf(request);
  const projects = projectsWith(caller, 'runs.read');
  if (!projects) return undefined;
  return { projects: projects.all, ownIn: projects.own, userId: caller.userId };
}

/**
 * The run when the caller may see it and holds the route's permission in its project;
 * RUN_NOT_FOUND when they may not see it, as for a run that does not exist.
 */
export async function visibleRun<T extends Pick<RunRecord, 'id' | 'startedBy' | 'project'>>(
  context: ServerContext,
  request: FastifyRequest,
  run: T | null,
  runId: string,
): Promise<T> {
  const missing = () => new R1flowError('RUN_NOT_FOUND', `no run "${runId}"`);
  if (run === null) throw missing();
  const caller = callerOf(request);
  const read = await checkProject(context, request, run.project, missing, 'runs.read');
  if (read === 'own' && (caller.userId === null || run.startedBy?.userId !== caller.userId)) {
    throw missing();
  }
  await checkProject(context, request, run.project, missing);
  return run;
}
