import { describe, expect, it } from 'vitest';
import type { ScoredTable } from '../../../nodes/schema/select-tables.ts';
import { buildJoinGraph, findBridge, selectTables } from '../../../nodes/schema/select-tables.ts';
import type { TableSchema } from '../../../nodes/schema/warehouse-schema.ts';

function table(name: string, references: string[] = []): TableSchema {
  return {
    name,
    naturalName: null,
    columns: [{ name: 'id', naturalName: null, type: 'number', examples: [] }],
    primaryKey: ['id'],
    foreignKeys: references.map((refTable) => ({ column: `${refTable}_id`, refTable, refColumn: 'id' })),
  };
}

// customers <- orders <- order_items -> products -> categories; regions <- customers; audit_log alone.
const SHOP = [
  table('regions'),
  table('customers', ['REGIONS']),
  table('categories'),
  table('products', ['categories']),
  table('orders', ['customers']),
  table('order_items', ['orders', 'products']),
  table('audit_log'),
];
const graph = buildJoinGraph(SHOP);

function ranked(...names: string[]): ScoredTable[] {
  return names.map((name, index) => ({ name, score: 1 - index / 10, reasons: [`hit ${name}`] }));
}

describe('choosing tables keeps them joinable', () => {
  it('finds the tables between two tables on the shortest FK path, in either direction, case-insensitively', () => {
    expect(findBridge(graph, 'products', new Set(['customers']))).toEqual(['order_items', 'orders']);
    expect(findBridge(graph, 'regions', new Set(['orders']))).toEqual(['customers']);
    expect(findBridge(graph, 'orders', new Set(['customers']))).toEqual([]);
    expect(findBridge(graph, 'audit_log', new Set(['customers']))).toBeUndefined();
  });

  it('adds the bridge tables a question about customers and products needs', () => {
    const chosen = selectTables(ranked('customers', 'products'), graph, 8);
    expect(chosen.map((t) => t.name)).toEqual(['customers', 'products', 'order_items', 'orders']);
    expect(chosen.find((t) => t.name === 'orders')?.reasons).toEqual([
      'bridge: joins products to the chosen tables',
    ]);
  });

  it('a bridge table that was also a hit keeps its own score and reasons', () => {
    const chosen = selectTables(ranked('customers', 'order_items', 'products', 'orders'), graph, 8);
    const orders = chosen.find((t) => t.name === 'orders');
    expect(orders?.score).toBeCloseTo(0.7);
    expect(orders?.reasons).toEqual(['hit orders', 'bridge: joins order_items to the chosen tables']);
  });

  it('skips a candidate whose bridge does not fit under maxTables and takes the next', () => {
    const chosen = selectTables(ranked('customers', 'categories', 'regions'), graph, 3);
    expect(chosen.map((t) => t.name)).toEqual(['customers', 'regions']);
  });

  it('a candidate no FK path reaches is still taken, alone', () => {
    expect(selectTables(ranked('customers', 'audit_log'), graph, 8).map((t) => t.name)).toEqual([
      'customers',
      'audit_log',
    ]);
  });

  it('never takes more than maxTables', () => {
    expect(selectTables(ranked(...SHOP.map((t) => t.name)), graph, 2)).toHaveLength(2);
  });
});
