import { NodeErrorPort } from '../../../engine/error-policy.ts';

// A stable colour per port type name, so an output and the inputs it fits share a colour. A node's
// error port has a colour of its own (no hashed colour is that red), so error paths stand out.
export function portColor(type: string): string {
  if (type === 'any') return 'var(--any-port)';
  if (type === NodeErrorPort.name) return 'var(--error-port)';
  let hash = 0;
  for (const char of type) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 62% 46%)`;
}
