// The ways the batching benchmark sends questions to the model server, all through the
// llm.generate node: one at a time; each on arrival as its own request (unbatched); or through
// the queue transport to a batching worker. Each returns every question's latency (arrival to
// answer) and the span from the first arrival to the last answer.
import type { ExecutionHost } from '../../engine/execute-job.ts';
import { executeJob } from '../../engine/execute-job.ts';
import type { JobResult, NodeJob, Transport } from '../../engine/transport.ts';

export interface RunOutcome {
  questions: number;
  elapsedMs: number;
  latenciesMs: number[];
  failures: number;
  firstError: string | undefined;
}

type Execute = (job: NodeJob) => Promise<JobResult>;

/** Each question is asked when the previous one was answered. */
export async function askOneAtATime(jobs: readonly NodeJob[], execute: Execute): Promise<RunOutcome> {
  const outcome = emptyOutcome(jobs.length);
  const started = performance.now();
  for (const job of jobs) {
    const asked = performance.now();
    record(outcome, await execute(job), performance.now() - asked);
  }
  outcome.elapsedMs = performance.now() - started;
  return outcome;
}

/** Question i arrives `intervalMs * i` after the first and is handed to `execute` at once. */
export async function askAtSteadyRate(
  jobs: readonly NodeJob[],
  intervalMs: number,
  execute: Execute,
): Promise<RunOutcome> {
  const outcome = emptyOutcome(jobs.length);
  const started = performance.now();
  const answers: Promise<void>[] = [];
  for (const [i, job] of jobs.entries()) {
    const due = started + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const asked = performance.now();
    answers.push(execute(job).then((result) => record(outcome, result, performance.now() - asked)));
  }
  await Promise.all(answers);
  outcome.elapsedMs = performance.now() - started;
  return outcome;
}

/** Runs the node right here, one request per question (no batching). */
export function executeDirectly(host: ExecutionHost): Execute {
  return (job) => executeJob(job, host);
}

/** Submits to a transport (the queue, with batching workers behind it) and waits for the job's result. */
export function executeThrough(transport: Transport): Execute {
  const waiting = new Map<string, (result: JobResult) => void>();
  transport.onSettled((result) => {
    waiting.get(result.jobId)?.(result);
    waiting.delete(result.jobId);
  });
  return (job) =>
    new Promise<JobResult>((resolve, reject) => {
      waiting.set(job.jobId, resolve);
      transport.submit([job]).catch(reject);
    });
}

function emptyOutcome(questions: number): RunOutcome {
  return { questions, elapsedMs: 0, latenciesMs: [], failures: 0, firstError: undefined };
}

function record(outcome: RunOutcome, result: JobResult, latencyMs: number): void {
  outcome.latenciesMs.push(latencyMs);
  if (result.outcome.ok) return;
  outcome.failures++;
  outcome.firstError ??= `${result.outcome.error.code}: ${result.outcome.error.message}`;
}
