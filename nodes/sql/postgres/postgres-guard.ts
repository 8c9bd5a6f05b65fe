// What a candidate may ask PostgreSQL, checked before it is sent. The read-only transaction stops
// every write, but some functions do harm without writing: reading server files (pg_read_file,
// pg_ls_dir; a superuser or pg_read_server_files member may), running SQL text the checks never saw
// (query_to_xml, dblink), changing settings for the session (set_config), signalling other backends,
// or taking advisory locks. Those are refused by name: every identifier of the query, quoted or not,
// outside strings and comments, is compared with the list, so `"pg_read_file"(…)` and
// `pg_catalog.pg_read_file (…)` are caught alike. Only one statement that reads may run (SELECT,
// WITH, VALUES, TABLE); SET, DO, COPY, PREPARE, EXECUTE, LOCK, … are refused before they are sent.

/** Function names refused in candidates (lower case); `*` ends a prefix. */
const REFUSED_FUNCTIONS = [
  // server files and large objects
  'pg_read_file',
  'pg_read_binary_file',
  'pg_ls_*',
  'pg_stat_file',
  'pg_file_*',
  'pg_logdir_ls',
  'pg_current_logfile',
  'lo_*',
  'loread',
  'lowrite',
  // SQL text run out of sight of these checks, other databases, tables read by name
  'dblink*',
  'query_to_xml*',
  'cursor_to_xml*',
  'table_to_xml*',
  'schema_to_xml*',
  'database_to_xml*',
  'ts_stat',
  'ts_rewrite',
  'crosstab*',
  'connectby',
  'xpath_table',
  // settings, sessions, locks, server control
  'set_config',
  'pg_advisory*',
  'pg_try_advisory*',
  'pg_cancel_backend',
  'pg_terminate_backend',
  'pg_reload_conf',
  'pg_rotate_logfile',
  'pg_promote',
  'pg_switch_wal',
  'pg_create_*',
  'pg_drop_replication_slot',
  'pg_replication_*',
  'pg_logical_*',
  'pg_notify',
  'pg_export_snapshot',
  'pg_import_system_collations',
  'pg_backup_*',
  'pg_start_backup',
  'pg_stop_backup',
  'pg_wal_replay_*',
  'pg_log_backend_memory_contexts',
];

const REFUSED = new RegExp(`^(?:${REFUSED_FUNCTIONS.map((name) => name.replace('*', '\\w*')).join('|')})$`);

/** PostgreSQL's other statements. A query starting with any other word is not SQL: PostgreSQL answers a syntax error. */
const OTHER_STATEMENTS = new Set(
  (
    'abort alter analyze begin call checkpoint close cluster comment commit copy create deallocate ' +
    'declare delete discard do drop end execute explain fetch grant import insert listen load lock ' +
    'merge move notify prepare reassign refresh reindex release reset revoke rollback savepoint ' +
    'security set show start truncate unlisten update vacuum'
  ).split(' '),
);

export interface PostgresToken {
  kind: 'word' | 'quoted' | 'symbol';
  /** Words lower-cased, quoted identifiers without their quotes. */
  text: string;
}

/** A refusal message for `sql`, or undefined when it may be sent. */
export function describeRefusedPostgres(sql: string): string | undefined {
  const tokens = tokenizePostgres(sql);
  const head = tokens.find((token) => token.text !== '(');
  if (head === undefined) return undefined; // only comments: PostgreSQL answers it is empty
  if (head.kind === 'word' && OTHER_STATEMENTS.has(head.text)) {
    return `only a query that reads may run (SELECT, WITH, VALUES, TABLE), not ${head.text.toUpperCase()}`;
  }
  // A custom escape character would make U&"…" names unreadable to the check above.
  if (tokens.some((token) => token.kind === 'word' && token.text === 'uescape')) {
    return 'UESCAPE may not be used';
  }
  const refused = tokens.find((token) => token.kind !== 'symbol' && REFUSED.test(token.text));
  return refused === undefined ? undefined : `the function ${refused.text} may not be called`;
}

/**
 * Words, quoted identifiers and symbols of `sql` by PostgreSQL's lexical rules: strings ('…' with
 * '', E'…' with backslash escapes, $tag$…$tag$) and comments (-- to end of line, nested /* *\/)
 * are skipped.
 */
export function tokenizePostgres(sql: string): PostgresToken[] {
  const tokens: PostgresToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const char = sql[i] as string;
    if (/\s/.test(char)) i += 1;
    else if (sql.startsWith('--', i)) i = endOfLine(sql, i);
    else if (sql.startsWith('/*', i)) i = endOfBlockComment(sql, i);
    else if (char === "'") i = endOfString(sql, i, false);
    else if ((char === 'e' || char === 'E') && sql[i + 1] === "'") i = endOfString(sql, i + 1, true);
    else if (char === '"') {
      const end = endOfQuoted(sql, i);
      const text = sql.slice(i + 1, end - 1).replaceAll('""', '"');
      // U&"pg\005fread_file" names pg_read_file: the escapes are decoded before the name is checked.
      const unicode = sql.slice(i - 2, i).toLowerCase() === 'u&' && tokens.at(-1)?.text === '&';
      if (unicode) tokens.splice(-2, 2);
      tokens.push({ kind: 'quoted', text: unicode ? decodeUnicodeEscapes(text) : text });
      i = end;
    } else if (char === '$' && matchAt(DOLLAR_TAG, sql, i) !== undefined) {
      const tag = matchAt(DOLLAR_TAG, sql, i) as string;
      const close = sql.indexOf(tag, i + tag.length);
      i = close === -1 ? sql.length : close + tag.length;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(char)) {
      const word = matchAt(WORD, sql, i) as string;
      tokens.push({ kind: 'word', text: word.toLowerCase() });
      i += word.length;
    } else {
      tokens.push({ kind: 'symbol', text: char });
      i += 1;
    }
  }
  return tokens;
}

/** `\XXXX`, `\+XXXXXX` and `\\` of a U&"…" identifier. */
function decodeUnicodeEscapes(text: string): string {
  return text.replace(/\\(\+[0-9a-fA-F]{6}|[0-9a-fA-F]{4}|\\)/g, (_, code: string) =>
    code === '\\' ? '\\' : String.fromCodePoint(Number.parseInt(code.replace('+', ''), 16)),
  );
}

// Sticky, so matching at an offset does not copy the rest of the text (long queries stay linear).
const DOLLAR_TAG = /\$(?:[A-Za-z_]\w*)?\$/y;
const WORD = /[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*/y;

function matchAt(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

function endOfLine(sql: string, start: number): number {
  const newline = sql.indexOf('\n', start);
  return newline === -1 ? sql.length : newline + 1;
}

function endOfBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else i += 1;
  }
  return sql.length;
}

function endOfString(sql: string, open: number, backslashes: boolean): number {
  let i = open + 1;
  while (i < sql.length) {
    const char = sql[i];
    if (backslashes && char === '\\') i += 2;
    else if (char === "'" && sql[i + 1] === "'") i += 2;
    else if (char === "'") return i + 1;
    else i += 1;
  }
  return sql.length;
}

function endOfQuoted(sql: string, open: number): number {
  let i = open + 1;
  while (i < sql.length) {
    if (sql[i] === '"' && sql[i + 1] === '"') i += 2;
    else if (sql[i] === '"') return i + 1;
    else i += 1;
  }
  return sql.length;
}
