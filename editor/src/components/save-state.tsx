// Where the open flow stands: saved as version N, changed since, or never saved.
import { useStore } from 'zustand';
import { editorStore, selectDirty } from '../state/editor-store.ts';

export function SaveState() {
  const version = useStore(editorStore, (state) => state.serverVersion);
  const dirty = useStore(editorStore, selectDirty);
  const text =
    version === null ? 'not saved yet' : dirty ? `v${version} · unsaved changes` : `v${version} · saved`;
  return (
    <span className={`save-state${dirty ? ' dirty' : ''}`} data-testid="save-state" data-dirty={dirty}>
      {text}
    </span>
  );
}
