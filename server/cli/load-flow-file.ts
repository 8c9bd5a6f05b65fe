// Reads a flow file for the CLI: malformed JSON names file, line and column; an invalid flow
// lists every problem with its JSON path.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { R1flowError } from '../../engine/errors.ts';
import { parseJsonText } from '../../engine/json-source.ts';
import type { NodeRegistry } from '../../engine/registry.ts';
import type { FlowIssue, ResolvedFlow } from '../../engine/validate-flow.ts';
import { validateFlow } from '../../engine/validate-flow.ts';

export function readFlowFile(path: string): unknown {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new R1flowError(
      'FLOW_NOT_FOUND',
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return parseJsonText(text, path);
}

export function loadFlowFile(
  path: string,
  registry: NodeRegistry,
): { ok: true; flow: ResolvedFlow } | { ok: false; issues: FlowIssue[] } {
  const result = validateFlow(readFlowFile(path), registry);
  return result;
}
