// The schema of a warehouse as the retrieval index stores it and the DDL renderer reads it.
// Plain JSON, so the index can keep it per table and render a prompt without the warehouse.

export interface ColumnSchema {
  /** Name as it appears in SQL. */
  name: string;
  /** Spider's natural-language name ("song release year"), or null when there is none. */
  naturalName: string | null;
  /** SQLite: Spider's type word (text, number, time, boolean, others); PostgreSQL: its own type name. */
  type: string;
  /** Example values already written as Python literals (`'Paris'`, `1982.0`), SQL-R1's format. */
  examples: string[];
  /** The warehouse's description of the column (PostgreSQL's COMMENT ON COLUMN), on one line. */
  comment?: string;
}

export interface ForeignKey {
  column: string;
  refTable: string;
  refColumn: string;
}

export interface TableSchema {
  /** How SQL names the table: `orders`, or schema-qualified (`sales.orders`) outside the default schema. */
  name: string;
  naturalName: string | null;
  columns: ColumnSchema[];
  primaryKey: string[];
  foreignKeys: ForeignKey[];
  /** The warehouse's description of the table (PostgreSQL's COMMENT ON TABLE), on one line. */
  comment?: string;
}

export interface WarehouseSchema {
  /** Tables in the warehouse's own order (sqlite_schema, or tables.json when given). */
  tables: TableSchema[];
}
