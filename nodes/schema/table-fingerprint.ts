// A table's fingerprint decides whether re-indexing must re-chunk and re-embed it: its DDL, its
// row count and a cheap content signature (the first and last rows in storage order). Example
// values are the first distinct values in storage order, so edits there change the fingerprint;
// an edit in the middle of a large table that leaves the count alone is deliberately not seen.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { quoteIdentifier } from './example-values.ts';

const EDGE_ROWS = 16;

/** `salt` carries index settings (examples per column, tables.json entry) so changing them re-indexes. */
export function fingerprintTable(db: Database.Database, table: string, salt: string): string {
  const hash = createHash('sha256').update(salt).update('\u0000');
  const ddl = db
    .prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE`)
    .pluck()
    .get(table) as string | undefined;
  if (ddl === undefined) return hash.update('missing').digest('hex');
  const name = quoteIdentifier(table);
  const rowCount = db.prepare(`SELECT count(*) FROM ${name}`).pluck().get() as number;
  const edgeRows = db
    .prepare(
      `SELECT * FROM (SELECT * FROM ${name} LIMIT ?) UNION ALL SELECT * FROM (SELECT * FROM ${name} LIMIT ? OFFSET ?)`,
    )
    .raw(true)
    .safeIntegers(true)
    .all(EDGE_ROWS, EDGE_ROWS, Math.max(0, rowCount - EDGE_ROWS));
  hash.update(ddl).update(`\u0000${rowCount}\u0000`);
  for (const row of edgeRows) hash.update(serializeRow(row as unknown[]));
  return hash.digest('hex');
}

function serializeRow(row: unknown[]): string {
  return `${row.map(serializeCell).join('\u0001')}\n`;
}

/** Typed, so the text '1' and the integer 1 (or NULL and 'null') differ. */
function serializeCell(cell: unknown): string {
  if (cell instanceof Uint8Array) return `x${Buffer.from(cell).toString('hex')}`;
  return `${typeof cell}:${String(cell)}`;
}
