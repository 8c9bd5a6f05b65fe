// Runs the sql.execute@1 node the way a transport does: parsed params, typed inputs, a real ctx.

import { dirname } from 'node:path';
import type { NodeProgress } from '../../../engine/define-node.ts';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { createNodeContext } from '../../../engine/node-context.ts';
import type { ResourceScope } from '../../../engine/resources.ts';
import executeNode from '../../../nodes/sql/execute.node.ts';
import { type Candidate, type ExecutionResults, ExecutionResultsSchema } from '../../../nodes/types.ts';
import { DATA_DIR_ENV } from '../../../nodes/warehouse/data-dir.ts';

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
): Promise<{ results: ExecutionResults; progress: NodeProgress[] }> {
  const progress: NodeProgress[] = [];
  const ctx = createNodeContext({
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
  return { results: ExecutionResultsSchema.parse(outputs.results), progress };
}
