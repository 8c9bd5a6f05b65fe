// Reads a flow file the user imports. Refuses, with one clear message, what cannot be opened:
// text that is not JSON, JSON that is not a flow document, node types this server does not know.
// Graph problems (a missing edge, a bad param) are not refused: the editor shows them on the nodes.
import { FlowDocumentSchema } from '../../../engine/flow-schema.ts';
import type { FlowDraft } from './canvas-types.ts';
import { documentToDraft } from './document-to-draft.ts';

export type ImportedFlow =
  | { ok: true; draft: FlowDraft; needsLayout: boolean }
  | { ok: false; message: string };

const SHOWN_ISSUES = 3;

export function parseImportedFlow(
  text: string,
  fileName: string,
  knownTypes: ReadonlySet<string>,
): ImportedFlow {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${fileName} is not valid JSON: ${(error as Error).message}` };
  }
  const parsed = FlowDocumentSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, SHOWN_ISSUES).map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    });
    const more =
      parsed.error.issues.length > SHOWN_ISSUES
        ? ` (and ${parsed.error.issues.length - SHOWN_ISSUES} more)`
        : '';
    return { ok: false, message: `${fileName} is not an r1flow flow: ${issues.join('; ')}${more}` };
  }
  const unknown = parsed.data.nodes.filter((node) => !knownTypes.has(node.type));
  if (unknown.length > 0) {
    const list = unknown.map((node) => `${node.type} (node "${node.id}")`).join(', ');
    return {
      ok: false,
      message: `${fileName} uses node types this server does not have: ${list}. Install the plugin that provides them, or change the types.`,
    };
  }
  return { ok: true, ...documentToDraft(parsed.data) };
}
