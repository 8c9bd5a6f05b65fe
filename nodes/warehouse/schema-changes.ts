// Whether a source table still fits its warehouse table, and what to change if so. Compatible:
// the same columns and key; a type changed within a kind (VARCHAR(20) → TEXT, INT → BIGINT, INTEGER
// → REAL); new columns that are nullable or have a default (added with ALTER TABLE ADD COLUMN, old
// rows get NULL or the default). Incompatible, so the sync stops before writing anything: a
// column dropped, a type whose values SQLite would convert differently (INTEGER ↔ TEXT, TEXT → BLOB
// ...; "007" in an INTEGER column becomes 7), a new NOT NULL column without a default (old rows
// have no value for it), a changed primary key (upserts would match the wrong rows).
import { R1flowError } from '../../engine/errors.ts';
import type { SourceColumn, SourceTable } from './sync-source.ts';

export interface WarehouseColumn {
  name: string;
  type: string;
}

export interface WarehouseTable {
  name: string;
  columns: WarehouseColumn[];
  primaryKey: string[];
}

export interface SchemaProblem {
  /** Columns involved (the key's columns for a key change). */
  columns: string[];
  problem: string;
}

export interface TableChange {
  create: boolean;
  addColumns: SourceColumn[];
  problems: SchemaProblem[];
}

type Affinity = 'INTEGER' | 'TEXT' | 'BLOB' | 'REAL' | 'NUMERIC';

/** SQLite's rules for a declared type's affinity (datatype3.html §3.1), in their order. */
export function affinityOf(declaredType: string): Affinity {
  const type = declaredType.toUpperCase();
  if (type.includes('INT')) return 'INTEGER';
  if (type.includes('CHAR') || type.includes('CLOB') || type.includes('TEXT')) return 'TEXT';
  if (type.includes('BLOB') || type.trim() === '') return 'BLOB';
  if (type.includes('REAL') || type.includes('FLOA') || type.includes('DOUB')) return 'REAL';
  return 'NUMERIC';
}

const NUMERIC_KINDS: ReadonlySet<Affinity> = new Set(['INTEGER', 'REAL', 'NUMERIC']);

/** An untyped warehouse column stores values as given; numeric affinities keep numbers numbers. */
function typesFit(sourceType: string, warehouse: WarehouseColumn): boolean {
  const from = affinityOf(sourceType);
  const to = affinityOf(warehouse.type);
  return from === to || to === 'BLOB' || (NUMERIC_KINDS.has(from) && NUMERIC_KINDS.has(to));
}

const lower = (name: string) => name.toLowerCase();

/**
 * `warehouseType` is the type the warehouse would give a source column (a PostgreSQL warehouse
 * maps SQLite's types), so a source column is compared with what its warehouse column was made from.
 */
export function compareTableSchemas(
  source: SourceTable,
  warehouse: WarehouseTable | undefined,
  warehouseType: (column: SourceColumn) => string = (column) => column.type,
): TableChange {
  if (warehouse === undefined) return { create: true, addColumns: [], problems: [] };
  const sourceColumns = new Map(source.columns.map((column) => [lower(column.name), column]));
  const warehouseColumns = new Map(warehouse.columns.map((column) => [lower(column.name), column]));
  const problems: SchemaProblem[] = [];
  for (const column of warehouse.columns) {
    const now = sourceColumns.get(lower(column.name));
    if (now === undefined) problems.push({ columns: [column.name], problem: 'dropped from the source' });
    else if (!now.typeUnknown && !typesFit(warehouseType(now), column)) {
      problems.push({
        columns: [column.name],
        problem: `type changed from ${column.type || 'none'} to ${warehouseType(now) || 'none'}`,
      });
    }
  }
  const sourceKey = source.primaryKey.map(lower).join(', ');
  const warehouseKey = warehouse.primaryKey.map(lower).join(', ');
  if (sourceKey !== warehouseKey) {
    problems.push({
      columns: [...new Set([...warehouse.primaryKey, ...source.primaryKey])],
      problem: `primary key changed from (${warehouse.primaryKey.join(', ')}) to (${source.primaryKey.join(', ')})`,
    });
  }
  const addColumns: SourceColumn[] = [];
  for (const column of source.columns) {
    if (warehouseColumns.has(lower(column.name))) continue;
    if (column.notNull && column.defaultSql === null) {
      problems.push({ columns: [column.name], problem: 'new NOT NULL column without a default' });
    } else if (!source.primaryKey.includes(column.name)) {
      addColumns.push(column);
    }
  }
  return { create: false, addColumns, problems };
}

/** Names every table and column that no longer fits; raised before the warehouse is written. */
export function schemaChangedError(
  tables: readonly { table: string; problems: SchemaProblem[] }[],
): R1flowError {
  const details = tables
    .map(({ table, problems }) => {
      const lines = problems.map(({ columns, problem }) =>
        columns.length === 1 ? `column "${columns[0]}" ${problem}` : problem,
      );
      return `table "${table}": ${lines.join('; ')}`;
    })
    .join('; ');
  return new R1flowError(
    'SYNC_SCHEMA_CHANGED',
    `the source schema changed incompatibly, the warehouse was left as it was: ${details}. ` +
      'Change the source back, or rename or drop the warehouse table to copy it afresh.',
    { data: { tables } },
  );
}
