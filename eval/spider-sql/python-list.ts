// The parser is a port of Python code that leans on Python's list indexing: a negative index
// counts from the end, and an index past the end raises (which Spider's evaluation treats as
// "this query does not parse"). These helpers keep that behaviour visible at each call site.
import { SpiderParseError } from './spider-parse-error.ts';

/** `list[index]` as Python reads it: negative counts from the end, out of range throws. */
export function pyAt<T>(list: readonly T[], index: number): T {
  const position = index < 0 ? list.length + index : index;
  if (position < 0 || position >= list.length) {
    throw new SpiderParseError(`ran past the end of the query (token ${index} of ${list.length})`);
  }
  return list[position] as T;
}

/** `list[start:end]` as Python reads it (negative bounds count from the end, bounds are clamped). */
export function pySlice<T>(list: readonly T[], start: number, end = list.length): T[] {
  const clamp = (bound: number) =>
    Math.min(list.length, Math.max(0, bound < 0 ? list.length + bound : bound));
  return list.slice(clamp(start), clamp(end));
}
