// Whether two flow documents say the same thing: canonical JSON (keys sorted) without the
// store-assigned `version`. Node positions count: a version shows the flow as it was laid out,
// so moving nodes and publishing makes a new version, while saving or publishing again without
// any edit does not.
import type { FlowDocument } from './flow-schema.ts';

export function canonicalFlowJson(document: FlowDocument): string {
  const { version: _version, ...content } = document;
  return JSON.stringify(content, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}

export function sameFlowContent(a: FlowDocument, b: FlowDocument): boolean {
  return canonicalFlowJson(a) === canonicalFlowJson(b);
}
