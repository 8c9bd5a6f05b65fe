// The NL2SQL example flow in queue mode, deployed as the workers README says: one worker process
// for the model lane, one for the SQL, CPU and I/O lanes beside the warehouse.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../nodes/types.ts';
import { ensureDemoWarehouse } from '../../server/demo/build-warehouse.ts';
import type { SimLlmServer } from '../../sim-llm/start-sim-llm.ts';
import { startSimLlm } from '../../sim-llm/start-sim-llm.ts';
import { REPO_ROOT } from '../support/cli.ts';
import { GPU_PROFILE } from '../support/datasets.ts';
import { setUpQueueTests } from './support/queue-test-env.ts';

const FLOW = JSON.parse(readFileSync(join(REPO_ROOT, 'examples/flows/nl2sql.flow.json'), 'utf8'));
const DEMO_GOLD = JSON.parse(readFileSync(join(REPO_ROOT, 'examples/replay/demo-gold.json'), 'utf8')) as {
  question: string;
}[];

const env = setUpQueueTests();
let sim: SimLlmServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-nl2sql-queue-'));
  // Model calls that take a while (the H100 cost model, 10x faster), so that the questions' calls overlap.
  sim = await startSimLlm({
    replayPath: join(REPO_ROOT, 'examples/replay/demo.jsonl'),
    profilePath: GPU_PROFILE,
    speed: 10,
  });
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the NL2SQL example flow in queue mode', () => {
  it('answers concurrent questions through an llm worker and a sql/cpu worker, sharing model requests', async () => {
    const h = await env.harness({ workers: [] });
    const settings = {
      R1FLOW_LLM_URL: sim.url,
      R1FLOW_WAREHOUSE: ensureDemoWarehouse(join(dir, 'warehouse.sqlite')),
      R1FLOW_SCHEMA_INDEX_DIR: join(dir, 'schema-index'),
    };
    const llm = env.worker(h.prefix, ['--lanes', 'llm'], settings);
    const rest = env.worker(h.prefix, ['--lanes', 'sql,cpu,io'], settings);
    await Promise.all([llm.waitForLine(/ready/), rest.waitForLine(/ready/)]);
    const questions = DEMO_GOLD.slice(0, 6).map((entry) => entry.question);
    const ids = await Promise.all(questions.map((question) => h.run(FLOW, { question })));
    for (const [i, id] of ids.entries()) {
      const stored = await h.finished(id);
      expect(stored!.run.status).toBe('succeeded');
      const { answer } = stored!.run.output as { answer: Answer };
      expect(answer.question).toBe(questions[i]);
      expect(answer.sql).not.toBeNull();
    }
    expect(sim.metrics().generationRequests).toBeLessThan(questions.length);
    const nodes = (await h.store.getRun(ids[0]!))!.nodes;
    expect(nodes.map((node) => node.status)).toEqual(nodes.map(() => 'succeeded'));
    // The SQL the worker ran came back with its results into the orchestrator's audit log.
    const audited = await h.store.audit.list({ runId: ids[0]!, kind: 'sql' });
    expect(audited.length).toBeGreaterThan(0);
    expect(audited.every((entry) => entry.nodeId === 'execute' && entry.sql?.dialect === 'sqlite')).toBe(
      true,
    );
    const chosen = ((await h.store.getRunRecord(ids[0]!))!.output as { answer: Answer }).answer.sql;
    expect(audited.some((entry) => entry.outcome === 'ok' && entry.sql?.sql === chosen)).toBe(true);

    // Workers carry each node's cost back with its result; shared model requests are split among
    // their runs so the runs' tokens add up to what the model server counted.
    const runs = await Promise.all(ids.map(async (id) => (await h.store.getRun(id))!));
    const total = (field: 'tokensIn' | 'tokensOut') =>
      runs.reduce((sum, stored) => sum + (stored.run.cost?.[field] ?? 0), 0);
    expect(total('tokensIn')).toBe(sim.metrics().promptTokens);
    expect(total('tokensOut')).toBe(sim.metrics().completionTokens);
    for (const stored of runs) {
      const byType = (type: string) => stored.nodes.find((node) => node.nodeKey.startsWith(type))!.cost;
      expect(byType('llm.generate')?.tokensIn).toBeGreaterThan(0);
      expect(byType('sql.execute')?.rows).toBeGreaterThan(0);
      const summed = stored.nodes.reduce((sum, node) => sum + (node.cost?.rows ?? 0), 0);
      expect(stored.run.cost?.rows).toBe(summed);
    }
  });
});
