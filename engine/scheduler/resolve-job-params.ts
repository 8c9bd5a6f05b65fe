// Params written as expressions get their values here, just before a job leaves for its
// transport: the orchestrator holds the run's input and the outputs of every finished node, and the
// job then carries plain params, so transports, queue workers and batching see nothing new.
import { R1flowError } from '../errors.ts';
import {
  ExpressionFailure,
  type ExpressionScope,
  evaluateParams,
  expressionError,
  findExpressions,
  pathStartsWith,
  referencedNodes,
} from '../param-expressions.ts';
import type { NodeJob } from '../transport.ts';
import { joinPath } from '../validate-flow.ts';
import type { ActiveRun } from './active-run.ts';

export function hasExpressions(job: NodeJob): boolean {
  return findExpressions(job.params).length > 0;
}

/**
 * The job with its params' expressions evaluated and checked by the node's params schema; throws
 * PARAM_EXPRESSION_FAILED naming the node, the param and the expression.
 */
export async function resolveJobParams(job: NodeJob, run: ActiveRun): Promise<NodeJob> {
  const resolved = run.flow.nodes.get(job.nodeId);
  if (!resolved) return job;
  const scope: ExpressionScope = { input: run.input, nodes: {} };
  // Only what the expressions name (validation made sure it is upstream, so it has finished).
  for (const id of referencedNodes(job.params)) {
    const outputs = run.nodes.get(id)?.outputs;
    if (outputs) scope.nodes[id] = outputs;
  }
  let params: unknown;
  try {
    params = await evaluateParams(job.params, scope);
  } catch (error) {
    if (error instanceof ExpressionFailure) {
      throw expressionError(job.nodeId, error.path, error.source, error.message);
    }
    throw error;
  }
  const checked = resolved.definition.params.safeParse(params);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const expression = findExpressions(job.params).find((e) => pathStartsWith(issue.path, e.path));
    const where = joinPath('', issue.path) || '(all params)';
    if (!expression) {
      throw new R1flowError(
        'NODE_BAD_INPUT',
        `params of ${job.nodeId} are invalid: ${where}: ${issue.message}`,
        {
          nodeId: job.nodeId,
          retryable: false,
        },
      );
    }
    throw expressionError(
      job.nodeId,
      expression.path,
      expression.source,
      `its value ${preview(valueAt(params, expression.path))} is refused: ${where}: ${issue.message}`,
    );
  }
  return { ...job, params };
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let at = value;
  for (const segment of path) at = (at as Record<string | number, unknown> | undefined)?.[segment];
  return at;
}

function preview(value: unknown): string {
  if (value === undefined) return '(nothing: no data matched)';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
