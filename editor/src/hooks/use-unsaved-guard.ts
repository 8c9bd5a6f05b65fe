// Asks the browser to confirm leaving the page while the open flow has unsaved changes (the local
// draft keeps them anyway; this keeps people from being surprised).
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { editorStore, selectDirty } from '../state/editor-store.ts';

export function useUnsavedGuard(): void {
  const dirty = useStore(editorStore, selectDirty);
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
}
