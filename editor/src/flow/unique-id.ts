// Readable ids that do not collide: `generate`, `generate_2`, ... (node ids must match the flow
// schema's pattern, so the base is cleaned up first).
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  const clean =
    base
      .replace(/[^A-Za-z0-9_-]/g, '_')
      .replace(/^[^A-Za-z_]/, '_$&')
      .slice(0, 56) || 'node';
  if (!taken.has(clean)) return clean;
  for (let n = 2; ; n++) {
    const candidate = `${clean}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** `llm.generate@1` → `generate`. */
export function nodeIdBase(type: string): string {
  const name = type.slice(0, type.lastIndexOf('@'));
  return name.slice(name.lastIndexOf('.') + 1);
}
