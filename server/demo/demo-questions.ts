// The questions the scripted demo replay answers (examples/replay/demo-gold.json), offered by the
// editor's Run tab while the simulated model server answers from that replay: any other question
// would get the simulator's "no scripted answer".
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { packagePath } from '../../engine/package-root.ts';

export const DEMO_GOLD = packagePath('examples/replay/demo-gold.json');

const GoldSchema = z.array(z.object({ question: z.string().min(1) }));

export function demoQuestions(path = DEMO_GOLD): string[] {
  return GoldSchema.parse(JSON.parse(readFileSync(path, 'utf8'))).map((entry) => entry.question);
}
