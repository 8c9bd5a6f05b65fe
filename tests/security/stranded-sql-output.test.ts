// The big-result attack with the real sql.execute node and its sandbox, in inline mode: candidates
// that each return a multi-MB cell. sql.execute's own byte cap (256 KiB a candidate by default)
// cuts them first; with that cap raised to its maximum, the engine's node-output cap is what holds:
// the node fails with NODE_OUTPUT_TOO_LARGE (not the store commit), without retries, and
// concurrent runs finish.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNode } from '../../engine/define-node.ts';
import { SchemaContextPort, SqlCandidatesPort } from '../../nodes/types.ts';
import { DATA_DIR_ENV } from '../../nodes/warehouse/data-dir.ts';
import type { Harness } from '../support/engine-harness.ts';
import { createHarness, flowOf } from '../support/engine-harness.ts';

const warehouseDir = mkdtempSync(join(tmpdir(), 'r1flow-big-'));
const warehouse = join(warehouseDir, 'w.sqlite');

/** Feeds sql.execute the candidates a model would have written. */
const candidatesNode = defineNode({
  type: 'test.candidates',
  version: 1,
  title: 'Candidates',
  family: 'control',
  lane: 'cpu',
  params: z.object({ sql: z.array(z.string()), database: z.string() }),
  inputs: {},
  outputs: { candidates: SqlCandidatesPort, schema: SchemaContextPort },
  async run({ params }) {
    return {
      candidates: {
        model: 'test',
        candidates: params.sql.map((sql, index) => ({
          index,
          sql,
          reasoning: '',
          text: sql,
          finishReason: 'stop',
        })),
      },
      schema: { database: params.database, dialect: 'sqlite' as const, ddl: '', tables: [], retrieval: [] },
    };
  },
});

let h: Harness;
const dataDirBefore = process.env[DATA_DIR_ENV];
beforeAll(async () => {
  process.env[DATA_DIR_ENV] = warehouseDir;
  const db = new Database(warehouse);
  db.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);');
  db.close();
  h = await createHarness({ nodes: [candidatesNode] });
});
afterAll(async () => {
  if (dataDirBefore === undefined) delete process.env[DATA_DIR_ENV];
  else process.env[DATA_DIR_ENV] = dataDirBefore;
  await h.close();
  rmSync(warehouseDir, { recursive: true, force: true });
});

it('fails sql.execute with NODE_OUTPUT_TOO_LARGE on multi-MB cells and keeps serving', async () => {
  // 8 distinct candidates of 2 MB hex each: 16 MB of node output (the attack used 100 MB cells).
  const sql = Array.from({ length: 8 }, (_, i) => `SELECT hex(randomblob(1000000)) AS c${i}`);
  const big = flowOf(
    {
      c: ['test.candidates', { sql, database: warehouse }],
      x: ['sql.execute', { maxBytes: 16 * 1024 * 1024 }, { retry: { attempts: 3, backoffMs: 10 } }],
    },
    ['c.candidates->x.candidates', 'c.schema->x.schema'],
    'big-sql',
  );
  const small = flowOf(
    {
      c: ['test.candidates', { sql: ['SELECT x FROM t'], database: warehouse }],
      x: ['sql.execute'],
    },
    ['c.candidates->x.candidates', 'c.schema->x.schema'],
    'small-sql',
  );
  const [bigId, ...smallIds] = await Promise.all([h.run(big), h.run(small), h.run(small), h.run(small)]);
  const stored = await h.finished(bigId!);
  expect(stored!.run.status).toBe('failed');
  expect(stored!.run.error).toMatchObject({ code: 'NODE_OUTPUT_TOO_LARGE', nodeId: 'x' });
  expect(stored!.run.error!.message).toMatch(/x returned more than 1\.00 MiB of output/);
  expect(stored!.nodes.find((n) => n.nodeId === 'x')!.attempt).toBe(1);
  for (const id of smallIds) expect((await h.finished(id))!.run.status).toBe('succeeded');
  expect(await h.store.listRuns({ status: ['queued', 'running'] })).toEqual([]);
}, 60_000);
