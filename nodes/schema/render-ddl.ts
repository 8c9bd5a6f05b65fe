// SQL-R1's pseudo-DDL (`obtain_db_details` in SQL-R1's prepare_input_seq.py, eval mode): one
// CREATE TABLE per table, a line per column with its Spider type and a `--` comment carrying the
// natural name (when it says more than the column name) and example values, then PRIMARY KEY and
// CONSTRAINT ... FOREIGN KEY lines; the last comma removed; tables separated by a blank line.
import { SQL_RESERVED_WORDS } from './sql-reserved-words.ts';
import type { ColumnSchema, TableSchema } from './warehouse-schema.ts';

const PLAIN_IDENTIFIER = /^[A-Za-z0-9_]*$/;

/** Backticks for SQL-R1's reserved words and for names with characters outside [A-Za-z0-9_]. */
export function formatIdentifier(name: string): string {
  const needsQuotes = SQL_RESERVED_WORDS.has(name.toUpperCase()) || !PLAIN_IDENTIFIER.test(name);
  return needsQuotes ? `\`${name}\`` : name;
}

export function renderSchemaDdl(tables: readonly TableSchema[]): string {
  return tables
    .filter((table) => table.columns.length > 0)
    .map(renderTableDdl)
    .join('\n\n');
}

export function renderTableDdl(table: TableSchema): string {
  const lines = [
    ...table.columns.map(renderColumnLine),
    ...(table.primaryKey.length > 0
      ? [`    PRIMARY KEY (${table.primaryKey.map(formatIdentifier).join(', ')}),`]
      : []),
    ...unique(
      table.foreignKeys.map(
        (key) =>
          `    CONSTRAINT fk_${constraintPart(table.name)}_${constraintPart(key.column)} FOREIGN KEY ` +
          `(${formatIdentifier(key.column)}) REFERENCES ${formatIdentifier(key.refTable)} (${formatIdentifier(key.refColumn)}),`,
      ),
    ),
  ];
  let body = `CREATE TABLE ${formatIdentifier(table.name)} (\n${lines.join('\n')}`;
  if (body.endsWith(',')) body = body.slice(0, -1);
  return `${body}\n);`;
}

function renderColumnLine(column: ColumnSchema): string {
  const head = `    ${formatIdentifier(column.name)} ${column.type},`;
  const examples = column.examples.length > 0 ? `example: [${column.examples.join(', ')}]` : '';
  if (!naturalNameAddsMeaning(column)) return examples ? `${head} -- ${examples}` : head;
  return examples ? `${head} -- ${column.naturalName}, ${examples}` : `${head} -- ${column.naturalName}`;
}

/** SQL-R1 leaves the natural name out when it is the column name with spaces for underscores (or none). */
function naturalNameAddsMeaning(column: ColumnSchema): column is ColumnSchema & { naturalName: string } {
  const natural = column.naturalName;
  if (natural === null || natural.trim() === '') return false;
  const name = column.name.toLowerCase();
  const lower = natural.toLowerCase();
  return ![lower, lower.replaceAll(' ', '_'), lower.replaceAll(' ', '')].includes(name);
}

function constraintPart(name: string): string {
  return name.toLowerCase().replaceAll(' ', '_');
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}
