// The few facts about SQL text the sandbox needs before SQLite sees it: where quoted tokens and
// comments are, so keyword checks and the double-quoted-string rewrite never look inside them.
// Follows SQLite's tokenizer rules for quotes ('…' with '', "…" with "", `…` with ``, […]) and
// comments (-- to end of line, /* to */ or end of input).

export type SqlSpanKind = 'string' | 'double-quoted' | 'backtick' | 'bracket' | 'comment';

export interface SqlSpan {
  kind: SqlSpanKind;
  /** Offset of the opening character. */
  start: number;
  /** Offset just past the closing character (or the end of the text when unterminated). */
  end: number;
}

const QUOTES: Record<string, { kind: SqlSpanKind; close: string; doubled: boolean }> = {
  "'": { kind: 'string', close: "'", doubled: true },
  '"': { kind: 'double-quoted', close: '"', doubled: true },
  '`': { kind: 'backtick', close: '`', doubled: true },
  '[': { kind: 'bracket', close: ']', doubled: false },
};

/** Quoted tokens and comments of `sql`, in order. */
export function scanSqlSpans(sql: string): SqlSpan[] {
  const spans: SqlSpan[] = [];
  let i = 0;
  while (i < sql.length) {
    const char = sql[i] as string;
    const quote = QUOTES[char];
    let end: number;
    if (quote) end = closeQuote(sql, i, quote.close, quote.doubled);
    else if (sql.startsWith('--', i)) end = lineEnd(sql, i);
    else if (sql.startsWith('/*', i)) end = blockCommentEnd(sql, i);
    else {
      i += 1;
      continue;
    }
    spans.push({ kind: quote ? quote.kind : 'comment', start: i, end });
    i = end;
  }
  return spans;
}

/** `sql` with every quoted token and comment blanked to spaces (offsets kept), for keyword checks. */
export function maskSpans(sql: string, spans: readonly SqlSpan[] = scanSqlSpans(sql)): string {
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += sql.slice(at, span.start) + ' '.repeat(span.end - span.start);
    at = span.end;
  }
  return out + sql.slice(at);
}

/** The text of a quoted token without its quotes, doubled quotes undone: `"a""b"` → `a"b`. */
export function unquote(token: string): string {
  const open = token[0] as string;
  const close = QUOTES[open]?.close ?? open;
  const body = token.endsWith(close) && token.length > 1 ? token.slice(1, -1) : token.slice(1);
  return close === ']' ? body : body.replaceAll(close + close, close);
}

/** A single-quoted SQL string literal holding `text`. */
export function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function closeQuote(sql: string, open: number, close: string, doubled: boolean): number {
  let i = open + 1;
  while (i < sql.length) {
    if (sql[i] === close) {
      if (doubled && sql[i + 1] === close) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  return sql.length;
}

function lineEnd(sql: string, start: number): number {
  const newline = sql.indexOf('\n', start);
  return newline === -1 ? sql.length : newline + 1;
}

function blockCommentEnd(sql: string, start: number): number {
  const close = sql.indexOf('*/', start + 2);
  return close === -1 ? sql.length : close + 2;
}
