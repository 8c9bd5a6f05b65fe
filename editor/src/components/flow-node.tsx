// A node on the canvas: title, id, typed ports, its problems and its state in the shown run.
// Memoised and fed by narrow store selectors, so a 200-node flow re-renders only what changed.
import { type NodeProps, useStore as useFlowStore, useUpdateNodeInternals } from '@xyflow/react';
import { memo, useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import type { CanvasNode } from '../flow/canvas-types.ts';
import { pinsStore } from '../run/pins.ts';
import { runStore } from '../run/run-store.ts';
import { catalogStore } from '../state/catalog-store.ts';
import { NO_ISSUES, portsOfNode, validationStore } from '../state/validation-store.ts';
import { selectFarZoom } from './far-zoom.ts';
import { NodeRunBadge } from './node-run-badge.tsx';
import { PortRow } from './port-row.tsx';

export const FlowNode = memo(function FlowNode({ id, data, selected, width, height }: NodeProps<CanvasNode>) {
  const far = useFlowStore(selectFarZoom);
  const entry = useStore(catalogStore, (state) => state.byKey.get(data.type));
  const ports = useStore(validationStore, (state) => portsOfNode(state, id, data.type));
  const issues = useStore(validationStore, (state) => state.byNode.get(id) ?? NO_ISSUES);
  const run = useStore(runStore, (state) => state.nodes[id]);
  const pinned = useStore(pinsStore, (state) => state.pins[id] !== undefined);
  const updateNodeInternals = useUpdateNodeInternals();
  const portKey = ports ? `${ports.inputs.map((p) => p.name)}|${ports.outputs.map((p) => p.name)}` : '';
  // Handles moved or renamed (a trigger's fields changed): the canvas must measure them again. Not
  // on mount: the canvas measures new nodes itself, all at once.
  const measuredPorts = useRef(portKey);
  useEffect(() => {
    if (measuredPorts.current === portKey) return;
    measuredPorts.current = portKey;
    updateNodeInternals(id);
  }, [id, portKey, updateNodeInternals]);

  // Far out: one block of the same size, so edges keep their measured ends and nothing re-lays out.
  if (far && width !== undefined && height !== undefined) {
    return (
      <div
        className={`flow-node-far family-${entry?.family ?? 'unknown'}${issues.length > 0 ? ' has-issues' : ''}`}
        style={{ width, height }}
        data-testid={`flow-node-${id}`}
        data-run-status={run?.status}
      />
    );
  }
  const classes = [
    'flow-node',
    `family-${entry?.family ?? 'unknown'}`,
    selected ? 'selected' : '',
    issues.length > 0 ? 'has-issues' : '',
    run ? `run-${run.status}` : '',
  ];
  return (
    <div className={classes.join(' ')} data-testid={`flow-node-${id}`} data-run-status={run?.status}>
      <header className="flow-node-header">
        <span className="flow-node-title">{data.name ?? entry?.title ?? data.type}</span>
        <span className="flow-node-id">{id}</span>
        {pinned ? (
          <span
            className="pin-badge"
            data-testid={`pin-badge-${id}`}
            title="Output pinned: runs started in the editor use it instead of running this node"
          >
            pinned
          </span>
        ) : null}
      </header>
      {entry ? null : <div className="flow-node-unknown">unknown node type {data.type}</div>}
      {/* Inputs above outputs, not side by side: nodes stay narrow enough for dense flows. */}
      <div className="flow-node-ports">
        {ports?.inputs.map((port) => (
          <PortRow key={`in:${port.name}`} nodeId={id} port={port} side="in" />
        ))}
        {ports?.outputs.map((port) => (
          <PortRow key={`out:${port.name}`} nodeId={id} port={port} side="out" />
        ))}
      </div>
      {issues.length > 0 ? (
        <div
          className="flow-node-issues"
          data-testid={`node-issues-${id}`}
          title={issues.map((i) => i.message).join('\n')}
        >
          ⚠ {issues.length === 1 ? issues[0]!.message : `${issues.length} problems: ${issues[0]!.message}`}
        </div>
      ) : null}
      {run ? <NodeRunBadge view={run} /> : null}
    </div>
  );
});
