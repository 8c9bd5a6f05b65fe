// Checks a run's input against what its trigger nodes accept, before the run exists, so a bad
// webhook body is a 400 and never a failed run.
import { R1flowError } from '../errors.ts';
import type { ResolvedFlow } from '../validate-flow.ts';
import { joinPath } from '../validate-flow.ts';

export function checkRunInput(flow: ResolvedFlow, input: unknown): void {
  for (const resolved of flow.nodes.values()) {
    const schema = resolved.definition.inputSchema?.(resolved.params);
    if (!schema) continue;
    const parsed = schema.safeParse(input);
    if (parsed.success) continue;
    const issues = parsed.error.issues.map((issue) => ({
      path: joinPath('input', issue.path),
      message: issue.message,
    }));
    throw new R1flowError(
      'RUN_BAD_INPUT',
      `the run input does not fit trigger "${resolved.node.id}": ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { nodeId: resolved.node.id, path: issues[0]?.path ?? 'input', data: { issues } },
    );
  }
}
