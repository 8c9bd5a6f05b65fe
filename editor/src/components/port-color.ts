// A stable colour per port type name, so an output and the inputs it fits share a colour.
export function portColor(type: string): string {
  if (type === 'any') return 'var(--any-port)';
  let hash = 0;
  for (const char of type) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 62% 46%)`;
}
