// The behaviour every VectorStore keeps, run against each implementation by
// vector-store.test.ts. `open` gives a fresh, empty store.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { VectorStore } from '../../../nodes/schema/vector-store.ts';

export interface StoreUnderTest {
  store: VectorStore;
  cleanup(): Promise<void>;
}

const X = [1, 0, 0, 0];
const Y = [0, 1, 0, 0];
const XY = [Math.SQRT1_2, Math.SQRT1_2, 0, 0];

export function vectorStoreContract(open: () => Promise<StoreUnderTest>): void {
  let subject: StoreUnderTest;
  beforeEach(async () => {
    subject = await open();
  });
  afterEach(async () => {
    await subject.cleanup();
  });

  it('an empty store counts 0 and finds nothing', async () => {
    expect(await subject.store.count()).toBe(0);
    expect(await subject.store.query(X, 5)).toEqual([]);
    await subject.store.deleteByTable('nothing');
  });

  it('returns the nearest records first with their table and cosine similarity', async () => {
    await subject.store.upsert([
      { id: 1, table: 'customers', vector: X },
      { id: 2, table: 'orders', vector: Y },
      { id: 3, table: 'customers', vector: XY },
    ]);
    const hits = await subject.store.query([0.9, 0.1, 0, 0], 2);
    expect(hits.map((hit) => [hit.id, hit.table])).toEqual([
      [1, 'customers'],
      [3, 'customers'],
    ]);
    expect(hits[0]?.similarity).toBeCloseTo(0.9 / Math.hypot(0.9, 0.1), 4);
    expect(await subject.store.count()).toBe(3);
  });

  it('upserting an existing id replaces its vector and table', async () => {
    await subject.store.upsert([{ id: 7, table: 'a', vector: X }]);
    await subject.store.upsert([{ id: 7, table: 'b', vector: Y }]);
    expect(await subject.store.count()).toBe(1);
    const [hit] = await subject.store.query(Y, 1);
    expect(hit).toMatchObject({ id: 7, table: 'b' });
    expect(hit?.similarity).toBeCloseTo(1, 4);
  });

  it("deleting a table drops only that table's records", async () => {
    await subject.store.upsert([
      { id: 1, table: 'customers', vector: X },
      { id: 2, table: 'orders', vector: Y },
      { id: 3, table: 'customers', vector: XY },
    ]);
    await subject.store.deleteByTable('customers');
    expect(await subject.store.count()).toBe(1);
    expect((await subject.store.query(X, 5)).map((hit) => hit.id)).toEqual([2]);
  });

  it('clear drops every record, and a new dimension may follow', async () => {
    await subject.store.upsert([{ id: 1, table: 't', vector: X }]);
    await subject.store.clear();
    expect(await subject.store.count()).toBe(0);
    await subject.store.upsert([{ id: 2, table: 't', vector: [0, 1] }]);
    expect((await subject.store.query([0, 1], 3)).map((hit) => hit.id)).toEqual([2]);
  });

  it('refuses a vector of another dimension than the stored ones', async () => {
    await subject.store.upsert([{ id: 1, table: 't', vector: X }]);
    await expect(subject.store.upsert([{ id: 2, table: 't', vector: [1, 0] }])).rejects.toThrow();
  });
}
