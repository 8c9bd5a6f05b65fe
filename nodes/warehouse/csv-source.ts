// A directory of CSV files as a sync source: `orders.csv` is table `orders`, its first record
// names the columns. Listing reads each file once to check its shape and type its columns (see
// csv-column-types.ts); copying reads it again, so neither pass holds a file in memory. A CSV has
// no keys: the flow names a key (upsert) and a watermark (only rows past it) per table; with
// neither the table is reloaded whole.
import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { R1flowError } from '../../engine/errors.ts';
import { quoteIdentifier } from '../schema/example-values.ts';
import type { CsvColumnType } from './csv-column-types.ts';
import { convertCsvValue, csvValueType, widenCsvType } from './csv-column-types.ts';
import type { CsvRecord } from './csv-records.ts';
import { readCsvRecords } from './csv-records.ts';
import type { SqlValue } from './sql-value.ts';
import { compareSqlValues } from './sql-value.ts';
import type { CsvSourceSpec } from './sync-params.ts';
import type { SourceColumn, SourceRow, SourceTable, SyncSource } from './sync-source.ts';
import { findColumnName, isInternalTable, syncModeOf, tableOptionsFor } from './sync-source.ts';

export function openCsvSource(spec: CsvSourceSpec): SyncSource {
  const directory = resolve(spec.directory);
  if (!isDirectory(directory)) {
    throw new R1flowError('SYNC_SOURCE_MISSING', `the sync source directory ${directory} does not exist`, {
      data: { path: directory },
    });
  }
  const files = new Map<string, string>();
  return {
    id: `csv:${directory}`,
    dialect: 'sqlite',
    rowsInWatermarkOrder: false,
    listTables: () =>
      listCsvFiles(directory).map(({ name, path }) => {
        files.set(name, path);
        return describeCsvTable(name, path, spec.delimiter, tableOptionsFor(spec.tables, name));
      }),
    readRows: (table, after) =>
      readCsvRows(
        files.get(table.name) ?? join(directory, `${table.name}.csv`),
        table,
        after,
        spec.delimiter,
      ),
    close() {},
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function listCsvFiles(directory: string): { name: string; path: string }[] {
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isFile() && extname(entry.name).toLowerCase() === '.csv')
    .map((entry) => ({ name: entry.name.slice(0, -'.csv'.length), path: join(directory, entry.name) }))
    .filter(({ name }) => name !== '' && !isInternalTable(name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function describeCsvTable(
  name: string,
  path: string,
  delimiter: string,
  options: { watermark?: string | undefined; key?: string[] | undefined } | undefined,
): SourceTable {
  let header: string[] | undefined;
  let types: CsvColumnType[] = [];
  for (const record of readCsvRecords(path, delimiter)) {
    if (header === undefined) {
      header = checkedHeader(record, path);
      types = header.map(() => '');
      continue;
    }
    checkWidth(record, header.length, path);
    record.fields.forEach((value, i) => {
      types[i] = widenCsvType(types[i] ?? '', csvValueType(value));
    });
  }
  if (header === undefined) {
    throw new R1flowError('SYNC_FAILED', `${path} is empty: its first line must name the columns`, {
      data: { file: path },
    });
  }
  const names = header;
  const lookup = names.map((column) => ({ name: column }));
  const columnOf = (column: string, role: string) => {
    const found = findColumnName(lookup, column);
    if (found !== undefined) return found;
    throw new R1flowError(
      'CONFIG_INVALID',
      `${role} column "${column}" is not in the header of ${path} (columns: ${names.join(', ')})`,
      { data: { table: name, column } },
    );
  };
  const primaryKey = (options?.key ?? []).map((column) => columnOf(column, 'key'));
  const watermark = options?.watermark === undefined ? null : columnOf(options.watermark, 'watermark');
  const columns: SourceColumn[] = names.map((column, i) => ({
    name: column,
    type: types[i] ?? '',
    notNull: primaryKey.includes(column),
    defaultSql: null,
    typeUnknown: (types[i] ?? '') === '',
  }));
  return {
    name,
    columns,
    primaryKey,
    watermark,
    mode: syncModeOf(watermark, primaryKey),
    createSql: createTableSql(name, columns, primaryKey),
  };
}

function checkedHeader(record: CsvRecord, path: string): string[] {
  const seen = new Set<string>();
  record.fields.forEach((column, i) => {
    const problem =
      column.trim() === ''
        ? `column ${i + 1} has no name`
        : seen.has(column.toLowerCase())
          ? `column "${column}" appears twice`
          : undefined;
    if (problem !== undefined) {
      throw new R1flowError('SYNC_FAILED', `${path}:${record.line}: ${problem} in the header`, {
        data: { file: path, line: record.line },
      });
    }
    seen.add(column.toLowerCase());
  });
  return record.fields;
}

function checkWidth(record: CsvRecord, width: number, path: string): void {
  if (record.fields.length === width) return;
  throw new R1flowError(
    'SYNC_FAILED',
    `${path}:${record.line}: ${record.fields.length} fields where the header has ${width}`,
    { data: { file: path, line: record.line } },
  );
}

/** NOT NULL on key columns: a row without its key would otherwise be appended again on every sync. */
function createTableSql(
  table: string,
  columns: readonly SourceColumn[],
  primaryKey: readonly string[],
): string {
  const lines = columns.map((column) =>
    [quoteIdentifier(column.name), column.type, column.notNull ? 'NOT NULL' : '']
      .filter((part) => part !== '')
      .join(' '),
  );
  if (primaryKey.length > 0) lines.push(`PRIMARY KEY (${primaryKey.map(quoteIdentifier).join(', ')})`);
  return `CREATE TABLE ${quoteIdentifier(table)} (\n  ${lines.join(',\n  ')}\n)`;
}

function* readCsvRows(
  path: string,
  table: SourceTable,
  after: SqlValue,
  delimiter: string,
): Generator<SourceRow> {
  const types = table.columns.map((column) => column.type as CsvColumnType);
  const watermarkAt = table.columns.findIndex((column) => column.name === table.watermark);
  let header = true;
  for (const record of readCsvRecords(path, delimiter)) {
    if (header) {
      header = false;
      if (record.fields.join('\n') !== table.columns.map((column) => column.name).join('\n')) {
        throw new R1flowError('SYNC_FAILED', `${path} changed its header while the sync was reading it`, {
          data: { file: path },
        });
      }
      continue;
    }
    checkWidth(record, types.length, path);
    const values = record.fields.map((value, i) => convertCsvValue(value, types[i] ?? ''));
    const watermark = watermarkAt < 0 ? null : (values[watermarkAt] ?? null);
    if (
      watermarkAt >= 0 &&
      after !== null &&
      (watermark === null || compareSqlValues(watermark, after) <= 0)
    ) {
      continue;
    }
    yield { values, watermark };
  }
}
