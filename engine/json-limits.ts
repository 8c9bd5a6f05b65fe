// Limits on JSON that reaches the store: nesting depth and size. Both are checked by walking the
// value with an explicit stack, because the things that would otherwise find out — JSON.stringify,
// zod, structuredClone — recurse and die with "Maximum call stack size exceeded" on deep input, and
// stringifying a huge output only to measure it can itself fail ("Invalid string length").
import { R1flowError } from './errors.ts';

/** Deepest nesting accepted in a request body, run input, flow document or node output. */
export const MAX_JSON_DEPTH = 400;

/** Default cap of one node's outputs (inline and queue mode) and of one queue payload, in bytes of JSON. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | null;
  key: string | number | null;
}

/** `root.a[3].b` for a frame, built only when a limit is crossed. */
function pathOf(frame: Frame, root: string): string {
  const parts: string[] = [];
  for (let at: Frame | null = frame; at?.parent; at = at.parent) {
    parts.push(
      typeof at.key === 'number'
        ? `[${at.key}]`
        : /^[A-Za-z_$][\w$]*$/.test(String(at.key))
          ? `.${at.key}`
          : `[${JSON.stringify(at.key)}]`,
    );
  }
  const joined = parts.reverse().join('');
  return root === '' ? joined.replace(/^\./, '') : root + joined;
}

function children(frame: Frame, push: (value: unknown, key: string | number) => void): void {
  const { value } = frame;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) push(value[index], index);
  } else for (const key of Object.keys(value as object)) push((value as Record<string, unknown>)[key], key);
}

/** Throws JSON_TOO_DEEP naming the first path nested deeper than `maxDepth`. */
export function checkJsonDepth(value: unknown, root: string, maxDepth = MAX_JSON_DEPTH): void {
  const stack: Frame[] = [{ value, depth: 0, parent: null, key: null }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (typeof frame.value !== 'object' || frame.value === null) continue;
    if (frame.depth >= maxDepth) {
      const path = pathOf(frame, root);
      throw new R1flowError(
        'JSON_TOO_DEEP',
        `${path} nests deeper than ${maxDepth} levels of arrays and objects; flatten the data`,
        { path, data: { maxDepth } },
      );
    }
    children(frame, (child, key) => stack.push({ value: child, depth: frame.depth + 1, parent: frame, key }));
  }
}

/**
 * The size of `value`'s JSON in bytes, counted without building the text, and without walking
 * further once it passes `stopAfter`. Escapes inside strings are not counted, so the result is a
 * lower bound on exotic strings and exact otherwise.
 */
export function jsonByteSize(value: unknown, stopAfter = Number.POSITIVE_INFINITY): number {
  let bytes = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && bytes <= stopAfter) {
    let item = stack.pop();
    if (
      item !== null &&
      typeof item === 'object' &&
      typeof (item as { toJSON?: unknown }).toJSON === 'function'
    ) {
      item = (item as { toJSON: () => unknown }).toJSON();
    }
    if (typeof item === 'string') bytes += Buffer.byteLength(item) + 2;
    else if (typeof item === 'number') bytes += Number.isFinite(item) ? String(item).length : 4;
    else if (typeof item === 'boolean') bytes += item ? 4 : 5;
    else if (item === null || item === undefined) bytes += 4;
    else if (typeof item === 'bigint') bytes += String(item).length;
    else if (Array.isArray(item)) {
      bytes += 2 + Math.max(0, item.length - 1);
      for (const element of item) stack.push(element);
    } else if (typeof item === 'object') {
      const keys = Object.keys(item).filter((key) => (item as Record<string, unknown>)[key] !== undefined);
      bytes += 2 + Math.max(0, keys.length - 1);
      for (const key of keys) {
        bytes += Buffer.byteLength(key) + 3;
        stack.push((item as Record<string, unknown>)[key]);
      }
    }
  }
  return bytes;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}
