// The trigger's input fields as a store selector that only changes when the fields do.
import type { EditorState } from '../state/editor-store.ts';
import { selectDraft } from '../state/editor-store.ts';
import { type InputField, triggerInputFields } from './run-input.ts';

export function selectRunInputFields(state: EditorState): InputField[] {
  return triggerInputFields(selectDraft(state));
}

export function runInputFieldsEqual(a: InputField[], b: InputField[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
