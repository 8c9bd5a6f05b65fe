// Validates the draft with the server's own rules as the user types: debounced, only when
// something other than positions changed, and stale answers are dropped.
import { validateDraft } from '../api/flows-api.ts';
import { indexIssues } from '../flow/index-issues.ts';
import { connectivityStore } from './connectivity-store.ts';
import { editorStore, selectDraft } from './editor-store.ts';
import { clearValidation, setValidation } from './validation-store.ts';

const DEBOUNCE_MS = 250;

export function startValidationSync(): () => void {
  let lastKey = '';
  let lastFlowId = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest = 0;

  const check = () => {
    const draft = selectDraft(editorStore.getState());
    if (!draft) {
      lastKey = '';
      clearValidation();
      return;
    }
    const { nodes, ...rest } = draft;
    const key = JSON.stringify({ ...rest, nodes: nodes.map(({ position: _position, ...node }) => node) });
    if (key === lastKey) return;
    lastKey = key;
    clearTimeout(timer);
    // A flow just opened is checked at once (its trigger ports come from the answer); edits wait
    // for a pause in typing.
    const opened = draft.id !== lastFlowId;
    if (opened) clearValidation();
    lastFlowId = draft.id;
    timer = setTimeout(
      async () => {
        const ticket = ++latest;
        try {
          const result = await validateDraft(draft);
          if (ticket === latest) setValidation(result.ok, indexIssues(result.issues, draft), result.ports);
        } catch {
          // Offline: the banner says so; validate again once something changes or on retry.
          if (ticket === latest) lastKey = '';
        }
      },
      opened ? 0 : DEBOUNCE_MS,
    );
  };

  const unsubscribe = editorStore.subscribe(check);
  const unsubscribeConnectivity = connectivityStore.subscribe(() => {
    if (connectivityStore.getState().reachable) check();
  });
  check();
  return () => {
    unsubscribe();
    unsubscribeConnectivity();
    clearTimeout(timer);
  };
}
