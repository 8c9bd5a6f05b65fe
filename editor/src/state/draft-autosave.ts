// Writes the open flow to its local draft whenever it has unsaved changes, and drops the draft once
// the server has them.
import { editorStore, selectDirty, selectDraft } from './editor-store.ts';
import { removeLocalDraft, writeLocalDraft } from './local-draft.ts';

const DEBOUNCE_MS = 300;

export function startDraftAutosave(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastKey = '';
  const persist = () => {
    const state = editorStore.getState();
    const draft = selectDraft(state);
    if (!draft) return;
    if (!selectDirty(state)) {
      removeLocalDraft(draft.id);
      lastKey = '';
      return;
    }
    const key = JSON.stringify(draft);
    if (key === lastKey) return;
    lastKey = key;
    writeLocalDraft({ draft, serverVersion: state.serverVersion, savedAt: Date.now() });
  };
  const unsubscribe = editorStore.subscribe(() => {
    clearTimeout(timer);
    timer = setTimeout(persist, DEBOUNCE_MS);
  });
  const flushOnExit = () => persist();
  window.addEventListener('pagehide', flushOnExit);
  return () => {
    unsubscribe();
    clearTimeout(timer);
    window.removeEventListener('pagehide', flushOnExit);
  };
}
