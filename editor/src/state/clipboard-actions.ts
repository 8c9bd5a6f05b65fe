// Copy, paste and duplicate of the selected nodes. The clipboard is the editor's own (it holds flow
// nodes, not text), and survives switching flows, so nodes can move between flows.
import { type Clipboard, copySelection, pasteClipboard } from '../flow/copy-paste.ts';
import { insertClipboard } from './editor-edits.ts';
import { editorStore, selectDraft } from './editor-store.ts';
import { notify } from './notices-store.ts';

let clipboard: Clipboard | null = null;

export function copySelected(): void {
  const state = editorStore.getState();
  const draft = selectDraft(state);
  const selected = new Set(state.nodes.filter((node) => node.selected).map((node) => node.id));
  if (!draft || selected.size === 0) return;
  clipboard = copySelection(draft, selected);
  notify('info', `Copied ${selected.size} node${selected.size === 1 ? '' : 's'}.`, 'clipboard');
}

export function pasteCopied(): void {
  const draft = selectDraft(editorStore.getState());
  if (!draft || !clipboard || clipboard.nodes.length === 0) return;
  const pasted = pasteClipboard(draft, clipboard);
  insertClipboard(pasted);
  // Paste again lands further along instead of on top of this copy.
  clipboard = { nodes: pasted.nodes, edges: pasted.edges };
}

export function duplicateSelected(): void {
  copySelected();
  pasteCopied();
}
