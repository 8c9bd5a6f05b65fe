// The canvas: nodes and typed edges from the editor store, drops from the palette, connections
// checked against port types (a refused one says why), zoom controls and a minimap on request.
// Only visible elements render, so large flows stay smooth.
import {
  Background,
  type Connection,
  ControlButton,
  Controls,
  type FinalConnectionState,
  MiniMap,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react';
import { type DragEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { ERROR_PORT } from '../../../engine/error-policy.ts';
import type { CanvasEdge, CanvasNode } from '../flow/canvas-types.ts';
import { initialViewport } from '../flow/initial-view.ts';
import { PALETTE_DRAG_TYPE } from '../flow/palette-drag.ts';
import { attemptOf, checkAttempt } from '../state/connection-attempts.ts';
import { addNode, beginMove, connect, onEdgesChange, onNodesChange } from '../state/editor-edits.ts';
import { editorStore, requestInspect } from '../state/editor-store.ts';
import { dismissTopic, notify } from '../state/notices-store.ts';
import { useFlowRights } from '../state/session-store.ts';
import { validationStore } from '../state/validation-store.ts';
import { FlowNode } from './flow-node.tsx';

const nodeTypes = { flow: FlowNode };
const selectNodes = (state: { nodes: CanvasNode[] }) => state.nodes;
const selectEdges = (state: { edges: CanvasEdge[] }) => state.edges;

export function FlowCanvas() {
  const nodes = useStore(editorStore, selectNodes);
  const { canEdit } = useFlowRights();
  const edges = useStore(editorStore, selectEdges);
  const drawnEdges = useMemo(() => edges.map(markErrorEdge), [edges]);
  const fitRequest = useStore(editorStore, (state) => state.fitRequest);
  const checked = useStore(validationStore, (state) => state.ok !== null);
  const { screenToFlowPosition, getNodesBounds, setViewport } = useReactFlow();
  // Every node has its size: the canvas can fit them.
  const measured = useStore(editorStore, (state) =>
    state.nodes.every((node) => node.measured?.width !== undefined),
  );
  const fitted = useRef(-1);
  const canvasRef = useRef<HTMLDivElement>(null);
  const [viewReady, setViewReady] = useState(false);
  const [minimap, setMinimap] = useState(false);

  // Place the view once the nodes of a newly opened (or laid out) flow have their sizes, at a zoom
  // where their text is readable (initial-view.ts); an empty flow starts at the origin, unzoomed.
  useEffect(() => {
    if (fitted.current === fitRequest) return;
    setViewReady(false);
    if (nodes.length > 0 && !measured) return;
    fitted.current = fitRequest;
    const canvas = canvasRef.current?.getBoundingClientRect();
    const view =
      nodes.length === 0 || !canvas
        ? { x: 0, y: 0, zoom: 1 }
        : initialViewport(getNodesBounds(nodes), { width: canvas.width, height: canvas.height });
    void setViewport(view).then(() => setViewReady(true));
  }, [measured, fitRequest, getNodesBounds, setViewport, nodes]);

  const isValidConnection = useCallback(
    (connection: Connection | CanvasEdge) => checkAttempt(attemptOf(connection)).ok,
    [],
  );

  const onConnect = useCallback((connection: Connection) => {
    const check = checkAttempt(attemptOf(connection));
    if (check.ok) {
      connect(connection);
      dismissTopic('connection');
    } else {
      notify('error', `Connection refused: ${check.reason}.`, 'connection');
    }
  }, []);

  const onConnectEnd = useCallback((_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    const { fromHandle, toHandle } = state;
    if (state.isValid || !fromHandle || !toHandle) return;
    if (fromHandle.type === toHandle.type) {
      const side = fromHandle.type === 'source' ? 'outputs' : 'inputs';
      notify(
        'error',
        `Connection refused: both ends are ${side}; connect an output (right) to an input (left).`,
        'connection',
      );
      return;
    }
    const [source, target] = fromHandle.type === 'source' ? [fromHandle, toHandle] : [toHandle, fromHandle];
    const check = checkAttempt({
      source: source.nodeId,
      sourcePort: source.id ?? '',
      target: target.nodeId,
      targetPort: target.id ?? '',
    });
    if (!check.ok) notify('error', `Connection refused: ${check.reason}.`, 'connection');
  }, []);

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(PALETTE_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(PALETTE_DRAG_TYPE);
      if (!type) return;
      event.preventDefault();
      addNode(type, screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    },
    [screenToFlowPosition],
  );

  return (
    <div
      ref={canvasRef}
      className="canvas"
      role="application"
      aria-label="Flow canvas: drop node types here"
      data-testid="canvas"
      data-view-ready={viewReady}
      data-checked={checked}
      onDragOver={onDragOver}
      onDrop={onDrop}
    >
      <ReactFlow<CanvasNode, CanvasEdge>
        nodes={nodes}
        edges={drawnEdges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        nodesDraggable={canEdit}
        nodesConnectable={canEdit}
        edgesReconnectable={canEdit}
        isValidConnection={isValidConnection}
        onNodeClick={requestInspect}
        onNodeDragStart={beginMove}
        onSelectionDragStart={beginMove}
        deleteKeyCode={canEdit ? ['Backspace', 'Delete'] : null}
        multiSelectionKeyCode={['Meta', 'Control']}
        onlyRenderVisibleElements
        minZoom={0.03}
        maxZoom={2}
        // A connection dropped near a port snaps to it.
        connectionRadius={32}
      >
        <Background gap={20} />
        <Controls showInteractive={false}>
          {/* Off by default: over the canvas it would hide the nodes in its corner. */}
          <ControlButton
            onClick={() => setMinimap((shown) => !shown)}
            title={minimap ? 'Hide the minimap' : 'Show the minimap'}
            aria-pressed={minimap}
            data-testid="toggle-minimap"
          >
            ▦
          </ControlButton>
        </Controls>
        {minimap ? <MiniMap pannable zoomable nodeStrokeWidth={3} nodeClassName={minimapClass} /> : null}
      </ReactFlow>
    </div>
  );
}

/** Minimap nodes take their family's colour from the stylesheet. */
function minimapClass(node: CanvasNode): string {
  return `family-${node.data.type.slice(0, node.data.type.indexOf('.'))}`;
}

/** An edge leaving a node's error port is drawn as an error path. */
function markErrorEdge(edge: CanvasEdge): CanvasEdge {
  return edge.sourceHandle === ERROR_PORT ? { ...edge, className: 'edge-error' } : edge;
}
