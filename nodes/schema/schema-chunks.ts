// The documents the retrieval index holds: one per table and one per column. A chunk depends on
// its own table only, so re-indexing a changed table never touches another table's chunks.
import type { ColumnSchema, TableSchema } from './warehouse-schema.ts';

export interface SchemaChunk {
  table: string;
  /** null for the table's own chunk. */
  column: string | null;
  /** Words a question may use for it: the identifier, its parts, the natural name. BM25 weighs these most. */
  names: string;
  /** The warehouse's comment, type, example values and keys. */
  details: string;
}

export function chunkTable(table: TableSchema): SchemaChunk[] {
  const references = table.foreignKeys.map((key) => `${key.refTable}.${key.refColumn}`);
  const tableChunk: SchemaChunk = {
    table: table.name,
    column: null,
    names: nameWords(table.name, table.naturalName),
    details: [
      table.comment ?? '',
      `columns ${table.columns.map((column) => column.name).join(', ')}`,
      table.primaryKey.length > 0 ? `primary key ${table.primaryKey.join(', ')}` : '',
      references.length > 0 ? `references ${[...new Set(references)].join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; '),
  };
  return [tableChunk, ...table.columns.map((column) => chunkColumn(table, column))];
}

function chunkColumn(table: TableSchema, column: ColumnSchema): SchemaChunk {
  const keys = table.foreignKeys
    .filter((key) => key.column === column.name)
    .map((key) => `references ${key.refTable}.${key.refColumn}`);
  return {
    table: table.name,
    column: column.name,
    names: nameWords(column.name, column.naturalName),
    details: [
      column.comment ?? '',
      `${column.type} column of ${table.name}`,
      column.examples.length > 0 ? `examples ${column.examples.join(', ')}` : '',
      table.primaryKey.includes(column.name) ? 'primary key' : '',
      ...keys,
    ]
      .filter(Boolean)
      .join('; '),
  };
}

/** Text sent to the embedding model: what the chunk is, then its words. */
export function embeddingText(chunk: SchemaChunk): string {
  const what = chunk.column === null ? `table ${chunk.table}` : `column ${chunk.table}.${chunk.column}`;
  return `${what}: ${chunk.names}. ${chunk.details}`;
}

/** `chunk` label used in retrieval reasons: `table customers`, `column customers.city`. */
export function chunkLabel(chunk: Pick<SchemaChunk, 'table' | 'column'>): string {
  return chunk.column === null ? `table ${chunk.table}` : `column ${chunk.table}.${chunk.column}`;
}

/** `AirportCode` and `song_release_year` also as `airport code`, `song release year`. */
function nameWords(identifier: string, naturalName: string | null): string {
  const words = identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\W]+/g, ' ')
    .trim()
    .toLowerCase();
  return [...new Set([identifier, words, naturalName ?? ''].filter(Boolean))].join(' ');
}
