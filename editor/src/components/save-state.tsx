// Where the open flow stands: which version is published, and whether the draft has changes that
// are not saved, or saved but not published.
import { useStore } from 'zustand';
import { editorStore, selectDirty } from '../state/editor-store.ts';
import { publishStore } from '../state/publish-store.ts';

export function SaveState() {
  const dirty = useStore(editorStore, selectDirty);
  const { exists, publishedVersion, unpublished } = useStore(publishStore);
  const published = publishedVersion === null ? 'not published' : `v${publishedVersion} published`;
  const text = !exists
    ? 'not saved yet'
    : dirty
      ? `${published} · unsaved changes`
      : unpublished
        ? `${published} · draft saved`
        : `${published} · saved`;
  return (
    <span
      className={`save-state${dirty || unpublished ? ' dirty' : ''}`}
      data-testid="save-state"
      data-dirty={dirty}
      data-unpublished={unpublished}
    >
      {text}
    </span>
  );
}
