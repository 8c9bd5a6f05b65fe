// Which jobs of a `runBatch` node may share a batch (same node type and batch key) and how much of
// a batch a job takes (its weight, e.g. n samples). Shared by the inline transport and the queue
// workers' batching. Params that do not parse get a batch of their own kind; executeBatch then
// fails only that job.
import type { NodeRegistry } from './registry.ts';
import type { NodeJob } from './transport.ts';

export function batchPlacement(registry: NodeRegistry, job: NodeJob): { key: string; weight: number } {
  const definition = registry.find(job.nodeKey);
  const params = definition?.params.safeParse(job.params);
  if (!definition || !params?.success) return { key: `${job.nodeKey}\u0000invalid`, weight: 1 };
  const key = definition.batchKey ? definition.batchKey(params.data) : '';
  const weight = definition.batchWeight ? Math.max(1, definition.batchWeight(params.data)) : 1;
  return { key: `${job.nodeKey}\u0000${key}`, weight };
}
