// An orchestrator process in queue mode for crash tests: drives runs of the store at --db through
// Redis, resuming unfinished ones at start; with --flow it also starts --runs runs of that flow
// and prints their ids. Runs until SIGTERM (or SIGKILL, which is the point).
//   node bin/run-ts.js tests/workers/support/orchestrator-process.ts --db F --redis URL --prefix P [--flow F --runs N]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FlowDocumentSchema } from '../../../engine/flow-schema.ts';
import { createRuntime } from '../../../server/runtime/local-runtime.ts';
import { createQueueTransport } from '../../../workers/queue-transport.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    redis: { type: 'string' },
    prefix: { type: 'string' },
    flow: { type: 'string' },
    runs: { type: 'string', default: '1' },
  },
});
const runtime = await createRuntime({
  storeLocation: values.db!,
  transport: () =>
    createQueueTransport({ redisUrl: values.redis!, prefix: values.prefix!, lostJobCheckMs: 200 }),
});
const { resumed } = await runtime.orchestrator.start();
process.stdout.write(`${JSON.stringify({ resumed })}\n`);
if (values.flow) {
  const flow = FlowDocumentSchema.parse(JSON.parse(readFileSync(values.flow, 'utf8')));
  const saved = await runtime.store.saveFlow(flow);
  const runs: string[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    runs.push((await runtime.orchestrator.startRun({ flowId: saved.flowId, version: saved.version })).id);
  }
  process.stdout.write(`${JSON.stringify({ runs })}\n`);
}
await new Promise((resolve) => process.once('SIGTERM', resolve));
await runtime.close();
