// Parses JSON text and, when it is malformed, says where: file, line and column.
import { R1flowError } from './errors.ts';

export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const { line, column } = locateJsonError(text, message);
    throw new R1flowError(
      'FLOW_JSON_INVALID',
      `${source}:${line}:${column}: malformed JSON (${message.replace(/ in JSON at position \d+.*$/, '')})`,
      { data: { source, line, column } },
    );
  }
}

/** V8 reports a character offset ("at position 42") for most errors; without one, the end of the text. */
function locateJsonError(text: string, message: string): { line: number; column: number } {
  const match = /position (\d+)/.exec(message);
  const offset = match ? Number(match[1]) : text.length;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
}
