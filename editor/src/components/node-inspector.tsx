// The selected node: id, display name, parameters (a form generated from the node's JSON Schema),
// retry, timeout and error options, the server's messages, and what it did in the shown run.
import { useCallback, useMemo } from 'react';
import { z } from 'zod';
import { useStore } from 'zustand';
import { NodeOptionsSchema } from '../../../engine/flow-schema.ts';
import { FieldShell } from '../forms/field-shell.tsx';
import type { JsonSchema } from '../forms/json-schema.ts';
import { ObjectProperties } from '../forms/object-properties.tsx';
import { catalogStore } from '../state/catalog-store.ts';
import { updateNode } from '../state/editor-edits.ts';
import { editorStore } from '../state/editor-store.ts';
import { NO_ISSUES, validationStore } from '../state/validation-store.ts';
import { NodeIdField } from './node-id-field.tsx';
import { NodeRunDetails } from './node-run-details.tsx';
import { PinControls } from './pin-controls.tsx';

const OPTIONS_SCHEMA = z.toJSONSchema(NodeOptionsSchema, { io: 'input' }) as JsonSchema;
// continueOnError (onError's older spelling) is offered only to a node that still has it.
const NEW_OPTIONS_SCHEMA = z.toJSONSchema(NodeOptionsSchema.omit({ continueOnError: true }), {
  io: 'input',
}) as JsonSchema;

export function NodeInspector({ nodeId }: { nodeId: string }) {
  const data = useStore(editorStore, (state) => state.nodes.find((node) => node.id === nodeId)?.data);
  const entry = useStore(catalogStore, (state) => (data ? state.byKey.get(data.type) : undefined));
  const issues = useStore(validationStore, (state) => state.byNode.get(nodeId) ?? NO_ISSUES);
  const issuesAt = useCallback(
    (path: string) => issues.filter((issue) => issue.field === path).map((issue) => issue.message),
    [issues],
  );
  const general = useMemo(
    () =>
      issues.filter((issue) => !issue.field?.startsWith('params.') && !issue.field?.startsWith('options.')),
    [issues],
  );
  if (!data) return null;

  return (
    <div className="inspector" data-testid="node-inspector">
      <header className="inspector-head">
        <h3>{entry?.title ?? data.type}</h3>
        <code>{data.type}</code>
        {entry?.description ? <p className="muted">{entry.description}</p> : null}
      </header>
      {general.length > 0 ? (
        <ul className="issues" data-testid="node-issues-list">
          {general.map((issue) => (
            <li key={`${issue.code}:${issue.message}`}>{issue.message}</li>
          ))}
        </ul>
      ) : null}
      <NodeIdField nodeId={nodeId} />
      <FieldShell label="Display name" htmlFor="node-name">
        <input
          id="node-name"
          value={data.name ?? ''}
          placeholder={entry?.title}
          onChange={(event) => updateNode(nodeId, { name: event.target.value }, `name:${nodeId}`)}
        />
      </FieldShell>
      <section className="inspector-section">
        <h4>Parameters</h4>
        {entry ? (
          <ObjectProperties
            schema={entry.params as JsonSchema}
            path="params"
            value={data.params}
            issuesAt={issuesAt}
            onChange={(params) =>
              updateNode(nodeId, { params: params as Record<string, unknown> }, `params:${nodeId}`)
            }
          />
        ) : (
          <p className="muted">This server has no node type {data.type}.</p>
        )}
      </section>
      <details className="inspector-section">
        <summary>Retries, timeout and errors</summary>
        <ObjectProperties
          schema={data.options.continueOnError === undefined ? NEW_OPTIONS_SCHEMA : OPTIONS_SCHEMA}
          path="options"
          value={data.options}
          issuesAt={issuesAt}
          onChange={(options) =>
            updateNode(nodeId, { options: options as Record<string, unknown> }, `options:${nodeId}`)
          }
        />
      </details>
      <PinControls nodeId={nodeId} />
      <NodeRunDetails nodeId={nodeId} type={data.type} />
    </div>
  );
}
