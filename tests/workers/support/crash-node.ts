// A node that kills the process running it (a poison job): for tests of lost workers.
import { z } from 'zod';
import { defineNode } from '../../../engine/define-node.ts';
import { AnyValue, Json, optional } from '../../../engine/ports.ts';

export default defineNode({
  type: 'test.crash',
  version: 1,
  title: 'Test crash',
  family: 'control',
  lane: 'cpu',
  params: z.object({}),
  inputs: { in: optional(AnyValue) },
  outputs: { out: Json },
  async run() {
    process.kill(process.pid, 'SIGKILL');
    return { out: null };
  },
});
