import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildDemoWarehouse, ensureDemoWarehouse } from '../../../server/demo/build-warehouse.ts';
import { makeTempDir } from '../../nodes/schema/spider-files.ts';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir('demo-warehouse');
});
afterEach(() => temp.cleanup());

/** A hash of every row of every table, in primary-key order. */
function contentHash(path: string): string {
  const db = new Database(path, { readonly: true });
  const hash = createHash('sha256');
  const tables = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[];
  for (const table of tables) {
    hash.update(`${table}\n`);
    for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).raw(true).all())
      hash.update(`${JSON.stringify(row)}\n`);
  }
  db.close();
  return hash.digest('hex');
}

describe('the demo warehouse', () => {
  it('is the same, row for row, every time it is built from the same seed', () => {
    buildDemoWarehouse(join(temp.dir, 'a.sqlite'));
    buildDemoWarehouse(join(temp.dir, 'b.sqlite'));
    buildDemoWarehouse(join(temp.dir, 'c.sqlite'), { seed: 7 });
    expect(contentHash(join(temp.dir, 'a.sqlite'))).toBe(contentHash(join(temp.dir, 'b.sqlite')));
    expect(contentHash(join(temp.dir, 'a.sqlite'))).not.toBe(contentHash(join(temp.dir, 'c.sqlite')));
  });

  it('is a small business warehouse of a few thousand rows whose foreign keys all hold', () => {
    const counts = buildDemoWarehouse(join(temp.dir, 'w.sqlite'));
    expect(counts).toMatchObject({
      regions: 6,
      sales_reps: 24,
      customers: 300,
      categories: 6,
      products: 48,
      orders: 1500,
    });
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    expect(total).toBeGreaterThan(3000);
    expect(total).toBeLessThan(10000);
    const db = new Database(join(temp.dir, 'w.sqlite'), { readonly: true });
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const unpaidCancelled = db
      .prepare(
        `SELECT count(*) FROM orders o JOIN payments p ON p.order_id = o.order_id WHERE o.status = 'cancelled'`,
      )
      .pluck()
      .get();
    expect(unpaidCancelled).toBe(0);
    const span = db.prepare("SELECT min(order_date) || ' ' || max(order_date) FROM orders").pluck().get();
    expect(span).toBe('2023-01-01 2024-12-31');
    db.close();
  });

  it('is built when missing and left alone when present', () => {
    const path = join(temp.dir, 'nested', 'warehouse.sqlite');
    expect(ensureDemoWarehouse(path)).toBe(path);
    const built = statSync(path).mtimeMs;
    ensureDemoWarehouse(path);
    expect(statSync(path).mtimeMs).toBe(built);
  });

  it('replaces an existing file when rebuilt', () => {
    const path = join(temp.dir, 'w.sqlite');
    buildDemoWarehouse(path, { seed: 1 });
    buildDemoWarehouse(path);
    const fresh = join(temp.dir, 'fresh.sqlite');
    buildDemoWarehouse(fresh);
    expect(contentHash(path)).toBe(contentHash(fresh));
  });
});
