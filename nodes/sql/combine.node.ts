// sql.combine: merges the candidates of up to eight generate nodes (other servers, models or prompt
// styles) into one list, since an input port takes one edge. Each candidate carries its `source`
// for sql.vote's `sourceWeights`: the `sources` param for its input, else what its generator set
// (llm.generate sets its model or `source` param), else its input's model.
import { z } from 'zod';
import { defineNode } from '../../engine/define-node.ts';
import { R1flowError } from '../../engine/errors.ts';
import { optional } from '../../engine/ports.ts';
import { type SqlCandidates, SqlCandidatesPort } from '../types.ts';
import { type CandidateInput, combineCandidates } from './combine-candidates.ts';

export const COMBINE_INPUTS = [
  'candidates1',
  'candidates2',
  'candidates3',
  'candidates4',
  'candidates5',
  'candidates6',
  'candidates7',
  'candidates8',
] as const;

const optionalCandidates = optional(SqlCandidatesPort);

export default defineNode({
  type: 'sql.combine',
  version: 1,
  title: 'Combine candidates',
  family: 'sql',
  lane: 'cpu',
  description:
    'Merges the SQL candidates of several generate nodes into one list (inputs in order, indexes renumbered), each labelled with its source.',
  params: z
    .object({
      sources: z
        .partialRecord(z.enum(COMBINE_INPUTS), z.string().min(1))
        .default({})
        .describe('Source label per input (e.g. {"candidates1": "codes-7b"}); default the generator’s'),
    })
    .strict(),
  inputs: {
    candidates1: optionalCandidates,
    candidates2: optionalCandidates,
    candidates3: optionalCandidates,
    candidates4: optionalCandidates,
    candidates5: optionalCandidates,
    candidates6: optionalCandidates,
    candidates7: optionalCandidates,
    candidates8: optionalCandidates,
  },
  outputs: { candidates: SqlCandidatesPort },
  async run({ params, inputs }) {
    const given: Partial<Record<(typeof COMBINE_INPUTS)[number], SqlCandidates>> = inputs;
    const lists: CandidateInput[] = COMBINE_INPUTS.flatMap((name) => {
      const candidates = given[name];
      return candidates === undefined ? [] : [{ candidates, source: params.sources[name] }];
    });
    if (lists.length === 0) {
      throw new R1flowError(
        'NODE_BAD_INPUT',
        `sql.combine received no candidates: connect at least one of ${COMBINE_INPUTS.join(', ')}`,
        { retryable: false },
      );
    }
    return { candidates: combineCandidates(lists) };
  },
});
