// The flow menu: pick, create, save the draft, publish, switch on/off, undo/redo, lay out, fit,
// import, export, delete; and the Connections page.
import { useReactFlow } from '@xyflow/react';
import { useRef, useState } from 'react';
import { useStore } from 'zustand';
import { editorStore, redo, undo } from '../state/editor-store.ts';
import {
  autoLayout,
  deleteCurrentFlow,
  exportCurrentFlow,
  importFlowFile,
  saveCurrentFlow,
  switchCurrentFlow,
} from '../state/flow-actions.ts';
import { publishStore } from '../state/publish-store.ts';
import { useFlowRights } from '../state/session-store.ts';
import { FlowPicker } from './flow-picker.tsx';
import { PublishDialog } from './publish-dialog.tsx';
import { SaveState } from './save-state.tsx';

export function TopBar({
  onNewFlow,
  onHelp,
  onConnections,
  onAudit,
}: {
  onNewFlow(): void;
  onHelp(): void;
  onConnections(): void;
  onAudit(): void;
}) {
  const open = useStore(editorStore, (state) => state.meta !== null);
  const canUndo = useStore(editorStore, (state) => state.history.past.length > 0);
  const canRedo = useStore(editorStore, (state) => state.history.future.length > 0);
  const fileInput = useRef<HTMLInputElement>(null);
  const [publishing, setPublishing] = useState(false);
  const { exists, enabled } = useStore(publishStore);
  const { fitView } = useReactFlow();
  const rights = useFlowRights();
  const refused = rights.canEdit
    ? undefined
    : `Your role (${rights.role ?? 'none'}) here may not change flows`;

  return (
    <header className="top-bar">
      <span className="brand">r1flow</span>
      <FlowPicker />
      <button type="button" disabled={!rights.canCreate} onClick={onNewFlow} data-testid="new-flow">
        New
      </button>
      {open ? <SaveState /> : null}
      <span className="spacer" />
      <button
        type="button"
        className="primary"
        disabled={!open || !rights.canEdit}
        onClick={() => saveCurrentFlow()}
        data-testid="save-flow"
        title={refused ?? 'Save the draft (Ctrl/⌘ S); no version is made'}
      >
        Save draft
      </button>
      <button
        type="button"
        className="primary"
        disabled={!open || !rights.canEdit}
        onClick={() => setPublishing(true)}
        data-testid="publish-flow"
        title={refused ?? 'Make a version its webhooks and schedules run'}
      >
        Publish
      </button>
      {open && exists ? (
        <label className="switch" title="While off, its webhooks answer 404 and its schedules stop">
          <input
            type="checkbox"
            role="switch"
            aria-checked={enabled}
            checked={enabled}
            disabled={!rights.canEdit}
            onChange={(event) => void switchCurrentFlow(event.target.checked)}
            data-testid="flow-enabled"
          />
          {enabled ? 'on' : 'off'}
        </label>
      ) : null}
      {publishing ? <PublishDialog onClose={() => setPublishing(false)} /> : null}
      <button type="button" disabled={!canUndo} onClick={undo} data-testid="undo" title="Ctrl/⌘ Z">
        Undo
      </button>
      <button type="button" disabled={!canRedo} onClick={redo} data-testid="redo" title="Ctrl/⌘ Shift Z">
        Redo
      </button>
      <button
        type="button"
        disabled={!open || !rights.canEdit}
        onClick={() => autoLayout()}
        data-testid="auto-layout"
        title="L"
      >
        Auto-layout
      </button>
      <button
        type="button"
        disabled={!open}
        onClick={() => fitView({ duration: 200 })}
        data-testid="fit-view"
        title="F"
      >
        Fit
      </button>
      <button
        type="button"
        disabled={!rights.canCreate}
        onClick={() => fileInput.current?.click()}
        data-testid="import-flow"
      >
        Import
      </button>
      <input
        ref={fileInput}
        type="file"
        accept=".json,application/json"
        hidden
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void importFlowFile(file);
        }}
        data-testid="import-file"
      />
      <button type="button" disabled={!open} onClick={exportCurrentFlow} data-testid="export-flow">
        Export
      </button>
      <button
        type="button"
        className="danger"
        disabled={!open || !rights.canEdit}
        onClick={() => deleteCurrentFlow()}
        data-testid="delete-flow"
        title={refused}
      >
        Delete
      </button>
      <button type="button" onClick={onConnections} data-testid="open-connections">
        Connections
      </button>
      <button type="button" onClick={onAudit} data-testid="open-audit">
        Audit
      </button>
      <button type="button" onClick={onHelp} aria-label="Keyboard shortcuts" title="?">
        ?
      </button>
    </header>
  );
}
