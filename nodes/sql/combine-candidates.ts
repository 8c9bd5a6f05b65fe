// Candidates from several generate nodes as one list for one execute/vote: inputs in order, each
// list in its own order, indexes renumbered 0..n-1 (the vote breaks ties by index, so the first
// input's candidates come first), every candidate labelled with its `source`.
import type { Candidate, SqlCandidates } from '../types.ts';

export interface CandidateInput {
  candidates: SqlCandidates;
  /** Overrides every candidate's source (the node's `sources` param). */
  source?: string | undefined;
}

function sourceOf(candidate: Candidate, input: CandidateInput): string {
  return input.source ?? candidate.source ?? input.candidates.model;
}

/** A candidate keeps the `source` its generator gave it (its model, or a prompt label) unless the input names one. */
export function combineCandidates(inputs: readonly CandidateInput[]): SqlCandidates {
  const candidates = inputs.flatMap((input) =>
    [...input.candidates.candidates]
      .sort((a, b) => a.index - b.index)
      .map((candidate) => ({ ...candidate, source: sourceOf(candidate, input) })),
  );
  const combined: SqlCandidates = {
    candidates: candidates.map((candidate, index) => ({ ...candidate, index })),
    model: [...new Set(inputs.map((input) => input.candidates.model))].join('+'),
  };
  const prompt = sumOf(inputs.map((input) => input.candidates.promptTokens));
  const completion = sumOf(inputs.map((input) => input.candidates.completionTokens));
  if (prompt !== undefined) combined.promptTokens = prompt;
  if (completion !== undefined) combined.completionTokens = completion;
  return combined;
}

/** The sum of the counts given; undefined when no input counted. */
function sumOf(counts: readonly (number | undefined)[]): number | undefined {
  const known = counts.filter((count) => count !== undefined);
  return known.length === 0 ? undefined : known.reduce((sum, count) => sum + count, 0);
}
