// One port of a node: its handle, name and type. Handles are coloured by type so ports that fit
// look alike.
import { Handle, Position } from '@xyflow/react';
import { memo } from 'react';
import { NodeErrorPort } from '../../../engine/error-policy.ts';
import type { CatalogPort } from '../api/api-types.ts';
import { portColor } from './port-color.ts';

interface PortRowProps {
  nodeId: string;
  port: CatalogPort;
  side: 'in' | 'out';
}

export const PortRow = memo(function PortRow({ nodeId, port, side }: PortRowProps) {
  const title = `${port.name}: ${port.type}${port.optional ? ' (optional)' : ''}${port.description ? ` — ${port.description}` : ''}`;
  return (
    <div
      className={`port port-${side}${port.optional ? ' port-optional' : ''}${port.type === NodeErrorPort.name ? ' port-error' : ''}`}
      title={title}
    >
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
