// Column types across engines. SQLite (and CSV) declared types become the PostgreSQL type that
// holds every value SQLite would store under them: integers are 64-bit in SQLite (BIGINT), REAL
// is a double (DOUBLE PRECISION, never PostgreSQL's 4-byte REAL), and date/time columns stay TEXT
// because SQLite keeps whatever text the application wrote there, which DATE or TIMESTAMP would
// refuse or reformat. PostgreSQL types going to SQLite keep their names (SQLite reads an affinity
// from any name) except arrays, whose `[]` SQLite cannot parse: their text goes to a TEXT column.
import { affinityOf } from './schema-changes.ts';
import type { SourceColumn } from './sync-source.ts';

/** The engine whose type names a source's columns carry; CSV types are SQLite's. */
export type SourceDialect = 'sqlite' | 'postgres';

const DECIMAL = /^\s*(?:NUMERIC|DECIMAL)\s*(\(\s*\d+\s*(?:,\s*\d+\s*)?\))?\s*$/i;

/** The PostgreSQL type for a SQLite declared type. */
export function postgresTypeForSqlite(declaredType: string): string {
  const type = declaredType.toUpperCase();
  if (type.trim() === '') return 'TEXT';
  if (type.includes('DATE') || type.includes('TIME')) return 'TEXT';
  if (type.includes('BOOL')) return 'BOOLEAN';
  const decimal = DECIMAL.exec(declaredType);
  if (decimal) return `NUMERIC${decimal[1]?.replaceAll(/\s/g, '') ?? ''}`;
  switch (affinityOf(declaredType)) {
    case 'INTEGER':
      return 'BIGINT';
    case 'TEXT':
      return 'TEXT';
    case 'REAL':
      return 'DOUBLE PRECISION';
    case 'BLOB':
      return 'BYTEA';
    default:
      return 'NUMERIC';
  }
}

/** The type a PostgreSQL warehouse gives a source column. */
export function postgresColumnType(column: SourceColumn, dialect: SourceDialect): string {
  if (column.typeUnknown) return 'TEXT';
  return dialect === 'postgres' ? column.type : postgresTypeForSqlite(column.type);
}

/** The type a SQLite warehouse gives a source column. */
export function sqliteColumnType(column: SourceColumn, dialect: SourceDialect): string {
  return dialect === 'postgres' && column.type.endsWith(']') ? 'TEXT' : column.type;
}
