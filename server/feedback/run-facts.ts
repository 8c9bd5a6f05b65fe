// What feedback needs to know about a stored run: its answer (question and chosen SQL), the
// schema context it asked about (the warehouse key and DDL), the prompt the model saw and the
// sampled response that carried the chosen SQL. Read from the stored node outputs by port name
// and shape, so any flow built from the NL2SQL nodes qualifies.
import type { StoredRun } from '../../engine/store/store.ts';
import {
  type Answer,
  type Candidate,
  type SchemaContext,
  SchemaContextSchema,
  SqlCandidatesSchema,
} from '../../nodes/types.ts';
import { runAnswer } from '../http/answer-csv.ts';

export interface RunFacts {
  answer: Answer;
  schema: SchemaContext | null;
  prompt: string | null;
  /** The sample whose SQL the answer chose (its full text, as the reward scores it). */
  chosenResponse: string | null;
}

/** The run's facts; RUN_NO_ANSWER (409) when it has no answer (unfinished, failed, abstained). */
export function runFacts(stored: StoredRun): RunFacts {
  const answer = runAnswer(stored.run);
  const outputs = stored.nodes.map((node) => (node.output ?? {}) as Record<string, unknown>);
  const schema = firstParsed(outputs.map((output) => SchemaContextSchema.safeParse(output.schema)));
  const prompt = outputs.map((output) => output.prompt).find((value) => typeof value === 'string') ?? null;
  const candidates = outputs.flatMap(
    (output) => firstParsed([SqlCandidatesSchema.safeParse(output.candidates)])?.candidates ?? [],
  );
  return {
    answer,
    schema,
    prompt: prompt as string | null,
    chosenResponse: chosenCandidate(candidates, answer.sql)?.text ?? null,
  };
}

function chosenCandidate(candidates: readonly Candidate[], sql: string | null): Candidate | undefined {
  if (sql === null) return undefined;
  return candidates.find((candidate) => candidate.sql?.trim() === sql.trim());
}

function firstParsed<T>(results: readonly { success: boolean; data?: T }[]): T | null {
  return results.find((result) => result.success)?.data ?? null;
}
