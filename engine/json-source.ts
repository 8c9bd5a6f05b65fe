// Parses JSON text and, when it is malformed, says where: file, line and column. V8's messages
// give an offset for some errors only, so a small scanner finds the first offending character.
import { R1flowError } from './errors.ts';

export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = firstErrorOffset(text);
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    const found =
      offset < text.length ? `unexpected ${JSON.stringify(text[offset])}` : 'unexpected end of input';
    throw new R1flowError('FLOW_JSON_INVALID', `${source}:${line}:${column}: malformed JSON (${found})`, {
      data: { source, line, column, parser: message },
    });
  }
}

/** Offset of the first character where `text` stops being valid JSON (text.length if it ends early). */
export function firstErrorOffset(text: string): number {
  let at = 0;
  const fail = (): never => {
    throw at;
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const literal = (word: string) => {
    for (const char of word) {
      if (text[at] !== char) fail();
      at++;
    }
  };
  const string = () => {
    at++; // opening quote
    while (at < text.length && text[at] !== '"') {
      if (text[at] === '\\') at++;
      else if (text.charCodeAt(at) < 0x20) fail();
      at++;
    }
    if (at >= text.length) fail();
    at++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match) fail();
    at += match![0].length;
  };
  const value = (): void => {
    space();
    switch (text[at]) {
      case '{':
        members('}', () => {
          space();
          if (text[at] !== '"') fail();
          string();
          space();
          if (text[at] !== ':') fail();
          at++;
          value();
        });
        break;
      case '[':
        members(']', value);
        break;
      case '"':
        string();
        break;
      case 't':
        literal('true');
        break;
      case 'f':
        literal('false');
        break;
      case 'n':
        literal('null');
        break;
      default:
        number();
    }
  };
  /** `{` or `[` at `at`: comma-separated members up to `close`. */
  const members = (close: string, member: () => void) => {
    at++;
    space();
    if (text[at] === close) {
      at++;
      return;
    }
    for (;;) {
      member();
      space();
      if (text[at] === close) {
        at++;
        return;
      }
      if (text[at] !== ',') fail();
      at++;
    }
  };
  try {
    value();
    space();
    return Math.min(at, text.length);
  } catch (offset) {
    return Math.min(offset as number, text.length);
  }
}
