// Runs the sql.execute@1 node the way a transport does: parsed params, typed inputs, a real ctx.

import { dirname } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { NodeProgress } from '../../../engine/define-node.ts';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { createNodeContext } from '../../../engine/node-context.ts';
import { addCost, type NodeCost, zeroCost } from '../../../engine/node-cost.ts';
import { ResourcePool, type ResourceScope } from '../../../engine/resources.ts';
import executeNode from '../../../nodes/sql/execute.node.ts';
import { type Candidate, type ExecutionResults, ExecutionResultsSchema } from '../../../nodes/types.ts';
import { DATA_DIR_ENV } from '../../../nodes/warehouse/data-dir.ts';
import { createTempWarehouse, type TempWarehouse } from './sandbox/temp-warehouse.ts';

export interface ExecuteFixture {
  readonly warehouse: TempWarehouse;
  readonly resources: ResourcePool;
}

/** A temp warehouse and a resource pool (the SQL sandbox) for one test file, removed after it. */
export function executeFixture(): ExecuteFixture {
  let state: ExecuteFixture | undefined;
  beforeAll(() => {
    state = { warehouse: createTempWarehouse(), resources: new ResourcePool() };
  });
  afterAll(async () => {
    await state?.resources.disposeAll();
    state?.warehouse.remove();
  });
  const current = (): ExecuteFixture => {
    if (!state) throw new Error("the fixture exists only inside the test file's tests");
    return state;
  };
  return {
    get warehouse() {
      return current().warehouse;
    },
    get resources() {
      return current().resources;
    },
  };
}

export function candidate(index: number, sql: string | null): Candidate {
  return { index, sql, reasoning: '', text: sql ?? 'no sql here', finishReason: 'stop' };
}

export interface ExecuteNodeCall {
  resources: ResourceScope;
  database: string;
  candidates: Candidate[];
  params?: Record<string, unknown>;
  signal?: AbortSignal;
  /** Host settings the node sees; the data directory defaults to the database's directory. */
  settings?: Record<string, string>;
}

export async function runExecuteNode(
  call: ExecuteNodeCall,
): Promise<{ results: ExecutionResults; progress: NodeProgress[]; cost: NodeCost }> {
  const progress: NodeProgress[] = [];
  let cost = zeroCost();
  const ctx = createNodeContext({
    onCost: (report) => {
      cost = addCost(cost, report);
    },
    resources: call.resources,
    settings: settingsFrom({ [DATA_DIR_ENV]: dirname(call.database), ...call.settings }),
    onProgress: (update) => progress.push(update),
    ...(call.signal ? { signal: call.signal } : {}),
  });
  const outputs = await executeNode.run({
    params: executeNode.params.parse(call.params ?? {}),
    inputs: {
      candidates: { candidates: call.candidates, model: 'test' },
      schema: { database: call.database, dialect: 'sqlite', ddl: '', tables: [], retrieval: [] },
    },
    ctx,
  });
  return { results: ExecutionResultsSchema.parse(outputs.results), progress, cost };
}
