// Verified question → SQL examples as they travel between nodes: examples.retrieve emits the
// nearest ones, llm.generate's `sql-r1-examples` style puts them in the prompt.
import { z } from 'zod';
import { definePortType } from '../../engine/ports.ts';

export const SqlExampleSchema = z.object({
  question: z.string(),
  sql: z.string(),
  /** Retrieval score (reciprocal rank fusion of BM25 and embeddings); higher is nearer. */
  score: z.number(),
});
export type SqlExample = z.output<typeof SqlExampleSchema>;

export const SqlExamplesPort = definePortType(
  'sql-examples',
  z.array(SqlExampleSchema),
  'Verified question → SQL examples, nearest first',
);
