// SQL-R1's pseudo-DDL (`obtain_db_details` in SQL-R1's prepare_input_seq.py, eval mode): one
// CREATE TABLE per table, a line per column with its Spider type and a `--` comment carrying the
// natural name (when it says more than the column name) and example values, then PRIMARY KEY and
// CONSTRAINT ... FOREIGN KEY lines; the last comma removed; tables separated by a blank line.
// PostgreSQL schemas keep the layout but write names as PostgreSQL needs them (double quotes, not
// backticks; table names are already SQL references) and show the warehouse's comments: a table's
// on a `--` line above its CREATE TABLE, a column's where SQL-R1 puts a natural name.
import type { SchemaContext } from '../types.ts';
import { quotePostgresIdentifier } from './postgres-identifiers.ts';
import { SQL_RESERVED_WORDS } from './sql-reserved-words.ts';
import type { ColumnSchema, TableSchema } from './warehouse-schema.ts';

export type Dialect = SchemaContext['dialect'];

const PLAIN_IDENTIFIER = /^[A-Za-z0-9_]*$/;
/** A comment longer than this is cut: it is a hint for the model, not documentation. */
const MAX_COMMENT_CHARS = 300;

/** Backticks for SQL-R1's reserved words and for names with characters outside [A-Za-z0-9_]. */
export function formatIdentifier(name: string): string {
  const needsQuotes = SQL_RESERVED_WORDS.has(name.toUpperCase()) || !PLAIN_IDENTIFIER.test(name);
  return needsQuotes ? `\`${name}\`` : name;
}

interface NameStyle {
  table: (name: string) => string;
  column: (name: string) => string;
  constraintPart: (name: string) => string;
}

const NAME_STYLES: Record<Dialect, NameStyle> = {
  sqlite: {
    table: formatIdentifier,
    column: formatIdentifier,
    constraintPart: (name) => name.toLowerCase().replaceAll(' ', '_'),
  },
  postgres: {
    table: (name) => name,
    column: quotePostgresIdentifier,
    constraintPart: (name) => name.toLowerCase().replace(/[^a-z0-9_]+/g, '_'),
  },
  // DuckDB warehouses are rendered like SQLite's until schema.retrieve reads them.
  duckdb: {
    table: formatIdentifier,
    column: formatIdentifier,
    constraintPart: (name) => name.toLowerCase().replaceAll(' ', '_'),
  },
};

export function renderSchemaDdl(tables: readonly TableSchema[], dialect: Dialect = 'sqlite'): string {
  return tables
    .filter((table) => table.columns.length > 0)
    .map((table) => renderTableDdl(table, dialect))
    .join('\n\n');
}

export function renderTableDdl(table: TableSchema, dialect: Dialect = 'sqlite'): string {
  const names = NAME_STYLES[dialect];
  const lines = [
    ...table.columns.map((column) => renderColumnLine(column, names)),
    ...(table.primaryKey.length > 0
      ? [`    PRIMARY KEY (${table.primaryKey.map(names.column).join(', ')}),`]
      : []),
    ...unique(
      table.foreignKeys.map(
        (key) =>
          `    CONSTRAINT fk_${names.constraintPart(table.name)}_${names.constraintPart(key.column)} FOREIGN KEY ` +
          `(${names.column(key.column)}) REFERENCES ${names.table(key.refTable)} (${names.column(key.refColumn)}),`,
      ),
    ),
  ];
  const comment = table.comment?.trim() ? `-- ${oneLine(table.comment)}\n` : '';
  let body = `${comment}CREATE TABLE ${names.table(table.name)} (\n${lines.join('\n')}`;
  if (body.endsWith(',')) body = body.slice(0, -1);
  return `${body}\n);`;
}

function renderColumnLine(column: ColumnSchema, names: NameStyle): string {
  const head = `    ${names.column(column.name)} ${column.type},`;
  const notes = [
    naturalNameAddsMeaning(column) ? column.naturalName : '',
    column.comment === undefined ? '' : oneLine(column.comment),
    column.examples.length > 0 ? `example: [${column.examples.join(', ')}]` : '',
  ].filter(Boolean);
  return notes.length > 0 ? `${head} -- ${notes.join(', ')}` : head;
}

/** SQL-R1 leaves the natural name out when it is the column name with spaces for underscores (or none). */
function naturalNameAddsMeaning(column: ColumnSchema): column is ColumnSchema & { naturalName: string } {
  const natural = column.naturalName;
  if (natural === null || natural.trim() === '') return false;
  const name = column.name.toLowerCase();
  const lower = natural.toLowerCase();
  return ![lower, lower.replaceAll(' ', '_'), lower.replaceAll(' ', '')].includes(name);
}

/** A comment stays on its `--` line: a line break in it must not end the comment and start SQL. */
function oneLine(comment: string): string {
  const text = comment.replace(/\s+/g, ' ').trim();
  const chars = [...text];
  return chars.length > MAX_COMMENT_CHARS ? `${chars.slice(0, MAX_COMMENT_CHARS).join('')}…` : text;
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}
