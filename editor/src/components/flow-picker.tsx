// Switches between flows: those on the server, and any that exist only as a local draft.
import { useStore } from 'zustand';
import { editorStore } from '../state/editor-store.ts';
import { openFlow } from '../state/flow-actions.ts';
import { flowsStore } from '../state/flows-store.ts';
import { localDraftIds } from '../state/local-draft.ts';

export function FlowPicker() {
  const flows = useStore(flowsStore, (state) => state.flows);
  const openId = useStore(editorStore, (state) => state.meta?.id ?? '');
  const onServer = new Set(flows.map((flow) => flow.id));
  const localOnly = [...new Set([...localDraftIds(), openId])].filter((id) => id && !onServer.has(id)).sort();
  return (
    <select
      className="flow-picker"
      aria-label="Open flow"
      value={openId}
      onChange={(event) => void openFlow(event.target.value)}
      data-testid="flow-picker"
    >
      {openId === '' ? <option value="">Open a flow…</option> : null}
      {flows.map((flow) => (
        <option key={flow.id} value={flow.id}>
          {flow.name} ({flow.id}, v{flow.latestVersion})
        </option>
      ))}
      {localOnly.map((id) => (
        <option key={id} value={id}>
          {id} (not saved yet)
        </option>
      ))}
    </select>
  );
}
