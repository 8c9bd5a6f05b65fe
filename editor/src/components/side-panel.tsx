// The right-hand panel: the selected node (or the flow), runs, versions, triggers, feedback review. Selecting a node
// (or clicking it again) brings its tab forward.
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { editorStore } from '../state/editor-store.ts';
import { useFlowRights } from '../state/session-store.ts';
import { FeedbackPanel } from './feedback-panel.tsx';
import { FlowSettings } from './flow-settings.tsx';
import { NodeInspector } from './node-inspector.tsx';
import { RunPanel } from './run-panel.tsx';
import { TriggersPanel } from './triggers-panel.tsx';
import { VersionsPanel } from './versions-panel.tsx';

type Tab = 'node' | 'run' | 'versions' | 'triggers' | 'feedback';

const selectSelectedIds = (state: { nodes: { id: string; selected?: boolean }[] }) =>
  state.nodes.filter((node) => node.selected).map((node) => node.id);

export function SidePanel() {
  const selected = useStore(editorStore, useShallow(selectSelectedIds));
  const [tab, setTab] = useState<Tab>('node');
  const single = selected.length === 1 ? selected[0] : undefined;
  const { canEdit } = useFlowRights();

  useEffect(() => {
    if (single) setTab('node');
  }, [single]);

  useEffect(
    () =>
      editorStore.subscribe((state, previous) => {
        if (state.inspectRequest !== previous.inspectRequest) setTab('node');
      }),
    [],
  );

  const tabs: [Tab, string][] = [
    ['node', single ? 'Node' : 'Flow'],
    ['run', 'Run'],
    ['versions', 'Versions'],
    ['triggers', 'Triggers'],
    ['feedback', 'Feedback'],
  ];
  return (
    <aside className="side-panel" data-testid="side-panel">
      <div className="tabs" role="tablist">
        {tabs.map(([id, label]) => (
          <button
            type="button"
            role="tab"
            key={id}
            aria-selected={tab === id}
            className={tab === id ? 'active' : ''}
            onClick={() => setTab(id)}
            data-testid={`tab-${id}`}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="tab-body">
        {tab === 'node' ? (
          // A role that may not change flows reads the node's settings, greyed out.
          <fieldset className="plain" disabled={!canEdit} data-testid="inspector-fields">
            {single ? <NodeInspector nodeId={single} /> : <FlowSettings />}
          </fieldset>
        ) : null}
        {tab === 'run' ? <RunPanel /> : null}
        {tab === 'versions' ? <VersionsPanel /> : null}
        {tab === 'triggers' ? <TriggersPanel /> : null}
        {tab === 'feedback' ? <FeedbackPanel /> : null}
      </div>
    </aside>
  );
}
