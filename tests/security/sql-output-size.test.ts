// A candidate that selects a giant value must not put it in the node's output: each candidate is
// cut at sql.execute's byte cap (or fails with a clear code), so eight of them stay under the
// engine's 1 MiB node output.
import { expect, test } from 'vitest';
import { candidate, executeFixture, runExecuteNode } from '../nodes/sql/execute-node-harness.ts';

const fixture = executeFixture();

test('SELECT hex(randomblob(50000000)) in 8 candidates: each is cut by bytes, the output stays under 1 MiB', async () => {
  const candidates = Array.from({ length: 8 }, (_, i) =>
    candidate(i, `SELECT hex(randomblob(50000000)) AS blob, ${i} AS n`),
  );
  const { results } = await runExecuteNode({
    resources: fixture.resources,
    database: fixture.warehouse.path,
    candidates,
  });
  for (const executed of results.candidates) {
    expect(executed).toMatchObject({ status: 'ok', rows: [], truncated: true, truncatedBy: 'bytes' });
  }
  expect(Buffer.byteLength(JSON.stringify(results))).toBeLessThan(1024 * 1024);
  // Eight 100 MB hex strings take seconds of CPU on a busy two-core machine.
}, 90_000);

test('rows that are each small but many are cut by bytes too, at the configured cap', async () => {
  const sql =
    'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000) SELECT x, hex(randomblob(500)) FROM n';
  const { results } = await runExecuteNode({
    resources: fixture.resources,
    database: fixture.warehouse.path,
    candidates: [candidate(0, sql)],
    params: { maxRows: 100_000, maxBytes: 64 * 1024 },
  });
  const [executed] = results.candidates;
  expect(executed).toMatchObject({ status: 'ok', truncated: true, truncatedBy: 'bytes' });
  expect(Buffer.byteLength(JSON.stringify(executed?.rows))).toBeLessThanOrEqual(64 * 1024);
});
