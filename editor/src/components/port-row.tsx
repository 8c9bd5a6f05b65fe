// One port of a node: its handle, name and type. Handles are coloured by type so ports that fit
// look alike; while a connection is dragged, the ports that would take it light up and the others
// fade.
import { type ConnectionState, Handle, Position, useConnection } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { NodeErrorPort } from '../../../engine/error-policy.ts';
import type { CatalogPort } from '../api/api-types.ts';
import { type DragStart, portFit } from '../state/connection-attempts.ts';
import { portColor } from './port-color.ts';

interface PortRowProps {
  nodeId: string;
  port: CatalogPort;
  side: 'in' | 'out';
}

/** The drag's start as one string, so a port re-renders when a drag starts or ends, not on every move. */
function dragKey(connection: ConnectionState): string | null {
  const from = connection.fromHandle;
  if (!connection.inProgress || !from) return null;
  return JSON.stringify({ nodeId: from.nodeId, port: from.id ?? '', type: from.type } satisfies DragStart);
}

export const PortRow = memo(function PortRow({ nodeId, port, side }: PortRowProps) {
  const drag = useConnection(dragKey);
  const fit = useMemo(
    () => (drag === null ? null : portFit(JSON.parse(drag) as DragStart, nodeId, port.name, side)),
    [drag, nodeId, port.name, side],
  );
  const title = `${port.name}: ${port.type}${port.optional ? ' (optional)' : ''}${port.description ? ` — ${port.description}` : ''}`;
  const classes = [
    'port',
    `port-${side}`,
    port.optional ? 'port-optional' : '',
    port.type === NodeErrorPort.name ? 'port-error' : '',
    fit ? `port-${fit}` : '',
  ];
  return (
    <div className={classes.filter(Boolean).join(' ')} title={title} data-fit={fit ?? undefined}>
      <Handle
        type={side === 'in' ? 'target' : 'source'}
        position={side === 'in' ? Position.Left : Position.Right}
        id={port.name}
        className="port-handle"
        style={{ background: portColor(port.type) }}
        data-testid={`port-${side}-${nodeId}-${port.name}`}
      />
      <span className="port-name">{port.name}</span>
      <span className="port-type">{port.type}</span>
    </div>
  );
});
