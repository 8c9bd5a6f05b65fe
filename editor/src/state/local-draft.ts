// Unsaved edits live in localStorage until the server has them: a closed tab, a reload or an
// unreachable server loses nothing. One draft per flow id.
import { FlowDocumentSchema } from '../../../engine/flow-schema.ts';
import type { FlowDraft } from '../flow/canvas-types.ts';
import { documentToDraft } from '../flow/document-to-draft.ts';

export interface LocalDraft {
  draft: FlowDraft;
  /** The server version the edits started from; null for a flow never saved. */
  serverVersion: number | null;
  savedAt: number;
}

const DRAFT_PREFIX = 'r1flow.draft.';
const LAST_FLOW_KEY = 'r1flow.lastFlow';

export function writeLocalDraft(local: LocalDraft): void {
  try {
    localStorage.setItem(DRAFT_PREFIX + local.draft.id, JSON.stringify(local));
  } catch {
    // storage full or disabled: nothing better to do than keep editing
  }
}

export function readLocalDraft(flowId: string): LocalDraft | null {
  const text = localStorage.getItem(DRAFT_PREFIX + flowId);
  if (!text) return null;
  try {
    const stored = JSON.parse(text) as { draft?: unknown; serverVersion?: unknown; savedAt?: unknown };
    const document = FlowDocumentSchema.safeParse(stored.draft);
    if (!document.success) return null;
    return {
      draft: documentToDraft(document.data).draft,
      serverVersion: typeof stored.serverVersion === 'number' ? stored.serverVersion : null,
      savedAt: typeof stored.savedAt === 'number' ? stored.savedAt : 0,
    };
  } catch {
    return null;
  }
}

export function removeLocalDraft(flowId: string): void {
  localStorage.removeItem(DRAFT_PREFIX + flowId);
}

/** Ids of flows with local drafts (flows created offline appear in the list through them). */
export function localDraftIds(): string[] {
  return Object.keys(localStorage)
    .filter((key) => key.startsWith(DRAFT_PREFIX))
    .map((key) => key.slice(DRAFT_PREFIX.length));
}

export function rememberLastFlow(flowId: string | null): void {
  if (flowId) localStorage.setItem(LAST_FLOW_KEY, flowId);
  else localStorage.removeItem(LAST_FLOW_KEY);
}

export function lastFlowId(): string | null {
  return localStorage.getItem(LAST_FLOW_KEY);
}
