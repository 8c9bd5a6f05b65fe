// Checks a run's input against what its trigger nodes accept, before the run exists, so a bad
// webhook body is a 400 and never a failed run.

import type { z } from 'zod';
import { R1flowError } from '../errors.ts';
import type { ResolvedFlow, ResolvedNode } from '../validate-flow.ts';
import { joinPath } from '../validate-flow.ts';

// A trigger's input schema is built once per resolved flow node (flows are cached), not per run.
const schemas = new WeakMap<ResolvedNode, z.ZodType | null>();

function inputSchemaOf(resolved: ResolvedNode): z.ZodType | null {
  let schema = schemas.get(resolved);
  if (schema === undefined) {
    schema = resolved.definition.inputSchema?.(resolved.params) ?? null;
    schemas.set(resolved, schema);
  }
  return schema;
}

export function checkRunInput(flow: ResolvedFlow, input: unknown): void {
  for (const resolved of flow.nodes.values()) {
    const schema = inputSchemaOf(resolved);
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
