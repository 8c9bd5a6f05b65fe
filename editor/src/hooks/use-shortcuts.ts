// Keyboard shortcuts of the editor. Typing in a field keeps the browser's own keys (undo in a text
// box undoes text), except save, which works everywhere.
import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import { copySelected, duplicateSelected, pasteCopied } from '../state/clipboard-actions.ts';
import { selectAll } from '../state/editor-edits.ts';
import { redo, undo } from '../state/editor-store.ts';
import { autoLayout, saveCurrentFlow } from '../state/flow-actions.ts';

export const SHORTCUTS: [string, string][] = [
  ['Ctrl/⌘ S', 'save a new version'],
  ['Ctrl/⌘ Z', 'undo'],
  ['Ctrl/⌘ Shift Z, Ctrl Y', 'redo'],
  ['Ctrl/⌘ C, V', 'copy, paste the selected nodes'],
  ['Ctrl/⌘ D', 'duplicate the selected nodes'],
  ['Ctrl/⌘ A', 'select every node'],
  ['Delete, Backspace', 'delete the selection'],
  ['Shift drag', 'select with a box'],
  ['Ctrl/⌘ click', 'add to the selection'],
  ['L', 'auto-layout'],
  ['F', 'zoom to fit'],
  ['?', 'show these shortcuts'],
];

export function useShortcuts(toggleHelp: () => void): void {
  const { fitView } = useReactFlow();
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && key === 's') {
        event.preventDefault();
        void saveCurrentFlow();
        return;
      }
      if (isTyping(event.target)) return;
      const action = mod ? modifiedAction(key, event.shiftKey) : plainAction(event.key, fitView, toggleHelp);
      if (!action) return;
      event.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [fitView, toggleHelp]);
}

function modifiedAction(key: string, shift: boolean): (() => void) | null {
  if (key === 'z') return shift ? redo : undo;
  if (key === 'y') return redo;
  if (key === 'c') return copySelected;
  if (key === 'v') return pasteCopied;
  if (key === 'd') return duplicateSelected;
  if (key === 'a') return selectAll;
  return null;
}

function plainAction(
  key: string,
  fitView: (options: { duration: number }) => unknown,
  toggleHelp: () => void,
): (() => void) | null {
  if (key === 'l' || key === 'L') return () => void autoLayout();
  if (key === 'f' || key === 'F') return () => void fitView({ duration: 200 });
  if (key === '?') return toggleHelp;
  return null;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
