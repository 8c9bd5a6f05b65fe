// The flow itself when no node is selected: rename it, describe it, and see every problem the
// server found, each a link to its node.

import { useStore } from 'zustand';
import { FieldShell } from '../forms/field-shell.tsx';
import { selectNode, setMeta } from '../state/editor-edits.ts';
import { editorStore } from '../state/editor-store.ts';
import { validationStore } from '../state/validation-store.ts';

export function FlowSettings() {
  const meta = useStore(editorStore, (state) => state.meta);
  const nodeCount = useStore(editorStore, (state) => state.nodes.length);
  const { ok, flow, byNode } = useStore(validationStore, (state) => state);
  if (!meta) return <p className="muted">Open or create a flow.</p>;
  const nodeProblems = [...byNode].flatMap(([nodeId, issues]) => issues.map((issue) => ({ nodeId, issue })));
  return (
    <div className="inspector" data-testid="flow-settings">
      <FieldShell
        label="Id"
        htmlFor="flow-id"
        help="The id names the flow in URLs and runs; it cannot change."
      >
        <input id="flow-id" value={meta.id} readOnly />
      </FieldShell>
      <FieldShell label="Name" htmlFor="flow-name">
        <input
          id="flow-name"
          value={meta.name}
          onChange={(event) => setMeta({ name: event.target.value }, 'flow-name')}
          data-testid="flow-name-input"
        />
      </FieldShell>
      <FieldShell label="Description" htmlFor="flow-description">
        <textarea
          id="flow-description"
          rows={3}
          value={meta.description ?? ''}
          onChange={(event) => setMeta({ description: event.target.value }, 'flow-description')}
        />
      </FieldShell>
      <section className="inspector-section" data-testid="flow-problems">
        <h4>Problems</h4>
        {ok === null ? <p className="muted">Checking…</p> : null}
        {ok === true ? <p className="ok-text">None: {nodeCount} nodes, ready to save and run.</p> : null}
        <ul className="issues">
          {flow.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              <code>{issue.path || 'flow'}</code> {issue.message}
            </li>
          ))}
          {nodeProblems.map(({ nodeId, issue }) => (
            <li key={`${nodeId}:${issue.field}:${issue.message}`}>
              <button type="button" className="link" onClick={() => selectNode(nodeId)}>
                {nodeId}
              </button>{' '}
              {issue.message}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
