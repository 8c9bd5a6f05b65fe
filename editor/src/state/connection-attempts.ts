// Connection checks against the open draft: what the canvas asks when a user drops a connection,
// and what each port asks while one is being dragged (to light up the ports that would take it).
import type { Connection } from '@xyflow/react';
import type { CanvasEdge } from '../flow/canvas-types.ts';
import { type ConnectionAttempt, type ConnectionCheck, checkConnection } from '../flow/check-connection.ts';
import { editorStore } from './editor-store.ts';
import { portsOfNode, validationStore } from './validation-store.ts';

export function attemptOf(connection: Connection | CanvasEdge): ConnectionAttempt {
  return {
    source: connection.source,
    sourcePort: connection.sourceHandle ?? '',
    target: connection.target,
    targetPort: connection.targetHandle ?? '',
  };
}

export function checkAttempt(attempt: ConnectionAttempt): ConnectionCheck {
  const { nodes, edges } = editorStore.getState();
  const validation = validationStore.getState();
  const typeOf = new Map(nodes.map((node) => [node.id, node.data.type]));
  return checkConnection(
    attempt,
    (nodeId) => {
      const type = typeOf.get(nodeId);
      return type === undefined ? undefined : portsOfNode(validation, nodeId, type);
    },
    edges,
  );
}

/** Where a connection being dragged starts: `source` is an output, `target` an input. */
export interface DragStart {
  nodeId: string;
  port: string;
  type: 'source' | 'target';
}

/**
 * Whether the port would take the connection being dragged: null for the port it starts from,
 * otherwise compatible or not (an output cannot meet an output, nor an input an input).
 */
export function portFit(
  from: DragStart,
  nodeId: string,
  port: string,
  side: 'in' | 'out',
): 'compatible' | 'incompatible' | null {
  if (from.nodeId === nodeId && from.port === port && (from.type === 'source') === (side === 'out'))
    return null;
  if ((from.type === 'source') === (side === 'out')) return 'incompatible';
  const attempt =
    from.type === 'source'
      ? { source: from.nodeId, sourcePort: from.port, target: nodeId, targetPort: port }
      : { source: nodeId, sourcePort: port, target: from.nodeId, targetPort: from.port };
  return checkAttempt(attempt).ok ? 'compatible' : 'incompatible';
}
