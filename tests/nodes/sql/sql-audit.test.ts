// The SQL audit seam: sql.execute and sql.correct report each distinct statement they sent through
// ctx.auditSql, executeJob returns the reports with the job's result, and the orchestrator appends
// them to the store's audit log (also for a node that fails after running SQL). DuckDB runs in
// this process, so no child process is needed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNode } from '../../../engine/define-node.ts';
import { R1flowError } from '../../../engine/errors.ts';
import { executeJob } from '../../../engine/execute-job.ts';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { silentLogger } from '../../../engine/node-context.ts';
import { Text } from '../../../engine/ports.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import type { SqlAuditReport } from '../../../engine/sql-audit.ts';
import { createNodeRegistry } from '../../../nodes/index.ts';
import { executeCandidates, type SqlExecutor } from '../../../nodes/sql/execute-candidates.ts';
import { sqlAuditor } from '../../../nodes/sql/sql-auditor.ts';
import type { Candidate, ExecutedCandidate, SchemaContext } from '../../../nodes/types.ts';
import { DATA_DIR_ENV } from '../../../nodes/warehouse/data-dir.ts';
import { type SimLlmServer, startSimLlm } from '../../../sim-llm/start-sim-llm.ts';
import { answerWith, writeReplayFile } from '../../sim-llm/sim-fixtures.ts';
import { createDuckdbWarehouse, type DuckdbWarehouse } from '../../support/duckdb-warehouse.ts';
import { createHarness } from '../../support/engine-harness.ts';

const QUESTION = 'How many French cities are there?';
const replay = writeReplayFile([
  {
    question: QUESTION,
    responses: [answerWith("SELECT count(*) FROM cities WHERE country = 'FR'")],
    corrections: [answerWith("SELECT count(*) FROM city WHERE country = 'FR'")],
  },
]);

let warehouse: DuckdbWarehouse;
let sim: SimLlmServer;
const resources = new ResourcePool();
const registry = createNodeRegistry();
beforeAll(async () => {
  warehouse = await createDuckdbWarehouse();
  sim = await startSimLlm({ replayPath: replay.path });
});
afterAll(async () => {
  await resources.disposeAll();
  await sim.close();
  warehouse.close();
  replay.remove();
});

const candidate = (index: number, sql: string | null): Candidate => ({
  index,
  sql,
  reasoning: '',
  text: sql ?? 'no sql',
  finishReason: 'stop',
});

const schema = (): SchemaContext => ({
  database: warehouse.file,
  dialect: 'duckdb',
  ddl: 'CREATE TABLE city (...)',
  tables: ['city'],
  retrieval: [],
});

function job(nodeKey: string, nodeId: string, params: unknown, inputs: Record<string, unknown>) {
  return {
    jobId: `r-audit-${nodeId}-1`,
    runId: 'r-audit',
    nodeId,
    attempt: 1,
    nodeKey,
    lane: 'sql' as const,
    params,
    inputs,
  };
}

const host = () => ({
  registry,
  resources,
  settings: settingsFrom({ [DATA_DIR_ENV]: warehouse.dir }),
  logger: silentLogger,
});

describe('SQL audit reports', () => {
  it('sql.execute reports each distinct statement once, with its candidates, rows and outcome', async () => {
    const result = await executeJob(
      job(
        'sql.execute@1',
        'execute',
        { allowedTables: ['city'] },
        {
          candidates: {
            model: 'test',
            candidates: [
              candidate(0, 'SELECT name FROM city ORDER BY id'),
              candidate(1, 'SELECT nope FROM city'),
              candidate(2, 'SELECT name FROM city ORDER BY id'),
              candidate(3, 'SELECT * FROM country'),
              candidate(4, "DELETE FROM city WHERE name = 'Paris'"),
              candidate(5, null),
            ],
          },
          schema: schema(),
        },
      ),
      host(),
    );
    expect(result.outcome.ok).toBe(true);
    // Reported as they finish; in candidate order here.
    const audit = [...(result.audit ?? [])].sort((a, b) => a.candidates[0]! - b.candidates[0]!);
    expect(audit.map((r) => [r.candidates, r.outcome, r.rows])).toEqual([
      [[0, 2], 'ok', 3],
      [[1], 'error', null],
      [[3], 'refused', null],
      [[4], 'refused', null],
    ]);
    for (const record of audit) {
      expect(record).toMatchObject({
        runId: 'r-audit',
        nodeId: 'execute',
        attempt: 1,
        warehouse: warehouse.file,
        dialect: 'duckdb',
      });
      expect(record.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(audit[0]!.reason).toBeNull();
    expect(audit[2]!.reason).toMatch(/^SQL_TABLE_FORBIDDEN: .*country/);
    expect(audit[3]!.reason).toMatch(/^SQL_READONLY_VIOLATION: /);
  });

  it('sql.correct reports the corrected statements it ran', async () => {
    const failed: ExecutedCandidate = {
      index: 0,
      sql: "SELECT count(*) FROM cities WHERE country = 'FR'",
      status: 'error',
      columns: [],
      rows: [],
      rowCount: 0,
      truncated: false,
      error: { code: 'SQL_ERROR', message: 'Catalog Error: Table with name cities does not exist!' },
      durationMs: 1,
    };
    const result = await executeJob(
      job(
        'sql.correct@1',
        'correct',
        { baseUrl: sim.url, n: 1 },
        {
          results: { database: warehouse.file, candidates: [failed] },
          question: QUESTION,
          schema: schema(),
        },
      ),
      host(),
    );
    expect(result.outcome.ok).toBe(true);
    expect(result.audit).toEqual([
      expect.objectContaining({
        nodeId: 'correct',
        candidates: [1],
        sql: "SELECT count(*) FROM city WHERE country = 'FR'",
        outcome: 'ok',
        rows: 1,
      }),
    ]);
  });

  it('the orchestrator appends the reports to the audit log, also of a node that then fails', async () => {
    const auditing = defineNode({
      type: 'test.auditing',
      version: 1,
      title: 'reports SQL, then fails',
      family: 'sql',
      lane: 'sql',
      params: z.object({}),
      inputs: {},
      outputs: { out: Text },
      async run({ ctx }) {
        ctx.auditSql({
          candidates: [0],
          warehouse: 'connection:sales',
          dialect: 'postgres',
          sql: 'SELECT 1',
          durationMs: 2,
          rows: 1,
          outcome: 'ok',
          reason: null,
        });
        throw new Error('failed after running SQL');
      },
    });
    const harness = await createHarness({ nodes: [auditing] });
    try {
      const runId = await harness.run({
        id: 'audited',
        name: 'audited',
        nodes: [{ id: 'step', type: 'test.auditing@1', params: {} }],
        edges: [],
      });
      expect((await harness.finished(runId))!.run.status).toBe('failed');
      await expect
        .poll(async () => harness.store.audit.list({ runId }))
        .toEqual([
          expect.objectContaining({
            kind: 'sql',
            actor: null,
            runId,
            nodeId: 'step',
            outcome: 'ok',
            sql: expect.objectContaining({ sql: 'SELECT 1', warehouse: 'connection:sales', candidates: [0] }),
          }),
        ]);
    } finally {
      await harness.close();
    }
  });

  it('a statement cut off by a cancel is reported as cancelled the moment the signal aborts', async () => {
    // An executor that answers only when aborted, as the sandbox and PostgreSQL do on cancel.
    const hanging: SqlExecutor = {
      execute: (_request, options) =>
        new Promise((_resolve, reject) =>
          options?.signal?.addEventListener('abort', () =>
            setTimeout(() => reject(new Error('aborted')), 50),
          ),
        ),
    };
    const reports: SqlAuditReport[] = [];
    const controller = new AbortController();
    const asked = [candidate(0, 'SELECT pg_sleep(60)')];
    const running = executeCandidates(hanging, 'connection:sales', asked, {
      timeoutMs: 10_000,
      maxRows: 10,
      signal: controller.signal,
      audit: sqlAuditor(
        { auditSql: (report) => reports.push(report) },
        { database: 'connection:sales', dialect: 'postgres' },
        asked,
      ),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort(new R1flowError('NODE_CANCELLED', 'execute was cancelled'));
    expect(reports).toEqual([
      expect.objectContaining({
        candidates: [0],
        outcome: 'cancelled',
        rows: null,
        reason: 'NODE_CANCELLED: execute was cancelled',
      }),
    ]);
    await expect(running).rejects.toThrow('aborted');
    expect(reports).toHaveLength(1);
  });
});
