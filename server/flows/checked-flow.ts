// A flow document as the API takes it: every problem reported at once (400 with each issue's
// path), and the id it claims checked against the URL's.
import { R1flowError } from '../../engine/errors.ts';
import type { FlowDocument } from '../../engine/flow-schema.ts';
import type { NodeRegistry } from '../../engine/registry.ts';
import { validateFlow } from '../../engine/validate-flow.ts';

export function checkedFlow(document: unknown, registry: NodeRegistry, expectedId?: string): FlowDocument {
  const result = validateFlow(document, registry);
  if (!result.ok) {
    throw new R1flowError(result.issues[0]!.code, `the flow is invalid (${result.issues.length} problems)`, {
      path: result.issues[0]!.path,
      data: { issues: result.issues },
    });
  }
  const flow = result.flow.document;
  checkId(flow.id, expectedId);
  return flow;
}

export function checkId(id: string, expectedId: string | undefined): void {
  if (expectedId !== undefined && id !== expectedId) {
    throw new R1flowError(
      'BAD_REQUEST',
      `the document's id "${id}" does not match the URL's "${expectedId}"`,
      {
        path: 'body.id',
      },
    );
  }
}
