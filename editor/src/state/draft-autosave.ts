// Writes the open flow to its local draft whenever it has unsaved changes, saves it as the
// server's draft once the edits pause, and drops the local copy once the server has them. A flow
// never saved is left to the Save button (its id is only claimed on purpose).
import { editorStore, selectDirty, selectDraft } from './editor-store.ts';
import { saveCurrentFlow } from './flow-actions.ts';
import { removeLocalDraft, writeLocalDraft } from './local-draft.ts';
import { publishStore } from './publish-store.ts';
import { rightsIn, sessionStore } from './session-store.ts';

const DEBOUNCE_MS = 300;
/** Pause in editing after which the draft goes to the server. */
export const SERVER_AUTOSAVE_MS = 1500;

export function startDraftAutosave(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let serverTimer: ReturnType<typeof setTimeout> | undefined;
  let lastKey = '';
  const saveOnServer = () => {
    const state = editorStore.getState();
    // A role that may not change the flow would be refused: its local draft is all it keeps.
    const { canEdit } = rightsIn(sessionStore.getState().user, state.meta?.project ?? 'default');
    if (canEdit && publishStore.getState().exists && selectDirty(state))
      void saveCurrentFlow({ quiet: true });
  };
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
    clearTimeout(serverTimer);
    serverTimer = setTimeout(saveOnServer, SERVER_AUTOSAVE_MS);
  });
  const flushOnExit = () => persist();
  window.addEventListener('pagehide', flushOnExit);
  return () => {
    unsubscribe();
    clearTimeout(timer);
    clearTimeout(serverTimer);
    window.removeEventListener('pagehide', flushOnExit);
  };
}
