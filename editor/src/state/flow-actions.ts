// What the flow menu does: open, create, save, delete, import, export, restore a version. Each
// action guards unsaved edits, reports in words, and never loses the draft when the server is away.
import { deleteFlow, getFlow, getVersion, saveFlow } from '../api/flows-api.ts';
import { ApiError, describeError, ServerUnreachableError } from '../api/http-client.ts';
import type { FlowDraft } from '../flow/canvas-types.ts';
import { documentToDraft } from '../flow/document-to-draft.ts';
import { layoutDraft, withPositions } from '../flow/layout-draft.ts';
import { parseImportedFlow } from '../flow/parse-imported-flow.ts';
import { clearShownRun } from '../run/run-session.ts';
import { catalogPortsOf, catalogStore } from './catalog-store.ts';
import { askConfirm } from './confirm-store.ts';
import { setPositions } from './editor-edits.ts';
import {
  closeFlow,
  draftKey,
  editorStore,
  markSaved,
  openDraft,
  replaceDraft,
  selectDirty,
  selectDraft,
} from './editor-store.ts';
import { flowsStore, refreshFlows } from './flows-store.ts';
import { readLocalDraft, rememberLastFlow, removeLocalDraft } from './local-draft.ts';
import { notify } from './notices-store.ts';
import { portsOfNode, validationStore } from './validation-store.ts';

/** Asks before unsaved edits are thrown away; true when it is fine to go on. */
async function confirmDiscard(): Promise<boolean> {
  const state = editorStore.getState();
  if (!selectDirty(state)) return true;
  const discard = await askConfirm(
    'Discard unsaved changes?',
    `"${state.meta?.name}" has changes that are not saved as a version.`,
    'Discard changes',
  );
  if (discard && state.meta) removeLocalDraft(state.meta.id);
  return discard;
}

export async function openFlow(id: string, options: { guard?: boolean } = {}): Promise<void> {
  if (options.guard !== false && !(await confirmDiscard())) return;
  const local = readLocalDraft(id);
  try {
    const { version } = await getFlow(id);
    const server = await laidOut(documentToDraft(version.document));
    if (local && draftKey(local.draft) !== draftKey(server)) {
      showDraft(local.draft, version.version, server);
      const stale = local.serverVersion !== null && local.serverVersion !== version.version;
      notify(
        'info',
        `Unsaved edits from ${new Date(local.savedAt).toLocaleTimeString()} restored from this browser${stale ? ` (they started from version ${local.serverVersion}; the server now has version ${version.version})` : ''}.`,
        'draft',
      );
    } else {
      showDraft(server, version.version);
    }
  } catch (error) {
    if (!local) {
      notify('error', `Could not open "${id}": ${describeError(error)}`, 'open');
      return;
    }
    showDraft(local.draft, local.serverVersion, null);
    notify(
      'info',
      `Opened your local draft of "${id}"; the server could not be asked (${describeError(error)}).`,
      'draft',
    );
  }
  rememberLastFlow(id);
  setFlowHash(id);
  if (!flowsStore.getState().flows.some((flow) => flow.id === id)) void refreshFlows().catch(() => undefined);
}

export async function createFlow(id: string, name: string): Promise<void> {
  if (!(await confirmDiscard())) return;
  showDraft({ id, name, nodes: [], edges: [] }, null, null);
  rememberLastFlow(id);
  setFlowHash(id);
}

export async function saveCurrentFlow(): Promise<boolean> {
  const state = editorStore.getState();
  const draft = selectDraft(state);
  if (!draft) return false;
  try {
    const version = await saveFlow(draft, state.serverVersion !== null);
    // Same content, not the same object: the canvas re-measuring a node during the save is no edit.
    if (draftKey(selectDraft(editorStore.getState())) === draftKey(draft)) markSaved(version.version);
    else editorStore.setState({ serverVersion: version.version });
    removeLocalDraft(draft.id);
    notify('success', `Saved "${draft.name}" as version ${version.version}.`, 'save');
    void refreshFlows().catch(() => undefined);
    return true;
  } catch (error) {
    notify('error', `Not saved: ${saveFailure(error, draft)}`, 'save');
    return false;
  }
}

function saveFailure(error: unknown, draft: FlowDraft): string {
  if (error instanceof ServerUnreachableError) {
    return 'the server is unreachable. Your edits are kept in this browser; save again when it is back.';
  }
  if (error instanceof ApiError && error.status === 409) {
    return `a flow with the id "${draft.id}" already exists. Open it, or create this flow under another id.`;
  }
  if (error instanceof ApiError && error.issues.length > 0) {
    const first = error.issues[0]!;
    return `the flow has ${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}, e.g. ${first.message}. They are marked on the nodes.`;
  }
  return describeError(error);
}

export async function deleteCurrentFlow(): Promise<void> {
  const state = editorStore.getState();
  if (!state.meta) return;
  const { id, name } = state.meta;
  const sure = await askConfirm(
    `Delete "${name}"?`,
    'Its versions and triggers are deleted; its past runs stay inspectable.',
    'Delete flow',
  );
  if (!sure) return;
  try {
    if (state.serverVersion !== null) await deleteFlow(id);
  } catch (error) {
    notify('error', `Not deleted: ${describeError(error)}`, 'delete');
    return;
  }
  removeLocalDraft(id);
  clearShownRun();
  closeFlow();
  rememberLastFlow(null);
  setFlowHash(null);
  notify('success', `Deleted "${name}".`, 'delete');
  const flows = await refreshFlows().catch(() => flowsStore.getState().flows);
  if (flows[0]) await openFlow(flows[0].id, { guard: false });
}

export async function importFlowFile(file: File): Promise<void> {
  const known = new Set(catalogStore.getState().byKey.keys());
  const imported = parseImportedFlow(await file.text(), file.name, known);
  if (!imported.ok) {
    notify('error', `Import refused: ${imported.message} The flow you are editing is unchanged.`, 'import');
    return;
  }
  if (!(await confirmDiscard())) return;
  const draft = await laidOut(imported);
  const existing = flowsStore.getState().flows.find((flow) => flow.id === draft.id);
  // Re-importing the open, saved flow's own export changes nothing: it stays clean.
  const current = editorStore.getState();
  const clean = current.meta?.id === draft.id && !selectDirty(current) ? selectDraft(current) : null;
  showDraft(draft, existing?.latestVersion ?? null, clean);
  rememberLastFlow(draft.id);
  setFlowHash(draft.id);
  notify(
    'success',
    `Imported "${draft.name}"${existing ? `; saving makes it version ${existing.latestVersion + 1} of the existing flow` : ''}.`,
    'import',
  );
}

export function exportCurrentFlow(): void {
  const draft = selectDraft(editorStore.getState());
  if (!draft) return;
  const blob = new Blob([`${JSON.stringify(draft, null, 2)}\n`], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `${draft.id}.flow.json`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

export async function restoreVersion(version: number): Promise<void> {
  const state = editorStore.getState();
  if (!state.meta) return;
  try {
    const stored = await getVersion(state.meta.id, version);
    replaceDraft(await laidOut(documentToDraft(stored.document)));
    notify(
      'info',
      `Version ${version} is back in the editor. Save to make it the latest version (undo reverts).`,
      'restore',
    );
  } catch (error) {
    notify('error', `Could not restore version ${version}: ${describeError(error)}`, 'restore');
  }
}

export async function autoLayout(): Promise<void> {
  const state = editorStore.getState();
  const draft = selectDraft(state);
  if (!draft || draft.nodes.length === 0) return;
  const validation = validationStore.getState();
  const measured = new Map(state.nodes.map((node) => [node.id, node.measured]));
  setPositions(await layoutDraft(draft, (id, type) => portsOfNode(validation, id, type), measured));
}

/**
 * The draft with positions for every node: laid out when some had none. Not drawn or checked yet,
 * so its ports are the catalog's.
 */
async function laidOut({
  draft,
  needsLayout,
}: {
  draft: FlowDraft;
  needsLayout: boolean;
}): Promise<FlowDraft> {
  if (!needsLayout) return draft;
  return withPositions(draft, await layoutDraft(draft, (_id, type) => catalogPortsOf(type), new Map()));
}

/** Opens a draft in the editor; the run on show belongs to the flow it came from, so it goes. */
function showDraft(draft: FlowDraft, serverVersion: number | null, clean: FlowDraft | null = draft): void {
  if (editorStore.getState().meta?.id !== draft.id) clearShownRun();
  openDraft(draft, serverVersion, clean);
}

function setFlowHash(id: string | null): void {
  const hash = id ? `#/flows/${encodeURIComponent(id)}` : '';
  if (location.hash !== hash) history.replaceState(null, '', hash || location.pathname);
}
