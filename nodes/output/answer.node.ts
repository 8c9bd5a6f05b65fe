// The answer a person reads. Fed by the vote it shows the question, the chosen SQL, the rows
// (capped at maxRows, saying so with `truncated` and `totalRows`), the confidence, the vote's
// clusters and a short explanation from the model's reasoning; fed by anything else (`value`) it
// passes that value on as the run's output.
import { z } from 'zod';
import { defineNode } from '../../engine/define-node.ts';
import { AnyValue, BooleanValue, Json, optional, Text } from '../../engine/ports.ts';
import {
  type Answer,
  AnswerPort,
  Probability,
  RowsPort,
  SqlCandidatesPort,
  SqlText,
  VoteClustersPort,
} from '../types.ts';
import { explainFromReasoning } from './explain.ts';

export default defineNode({
  type: 'output.answer',
  version: 1,
  title: 'Answer',
  family: 'output',
  lane: 'cpu',
  description: 'The run result: the question, SQL, rows, confidence and an explanation, or any value.',
  params: z.object({
    maxRows: z.number().int().min(0).max(100_000).default(200).describe('Rows kept in the answer'),
    explanationChars: z
      .number()
      .int()
      .min(0)
      .max(5000)
      .default(400)
      .describe('Longest explanation, in characters'),
  }),
  inputs: {
    question: optional(Text),
    sql: optional(SqlText),
    rows: optional(RowsPort),
    confidence: optional(Probability),
    clusters: optional(VoteClustersPort),
    candidates: optional(SqlCandidatesPort),
    abstained: optional(BooleanValue),
    reason: optional(Text),
    value: optional(AnyValue),
  },
  outputs: { answer: optional(AnswerPort), value: optional(Json) },
  async run({ params, inputs }) {
    const outputs: { answer?: Answer; value?: unknown } = {};
    if (inputs.value !== undefined) outputs.value = inputs.value;
    const answers = inputs.question !== undefined || inputs.sql !== undefined || inputs.rows !== undefined;
    if (answers) {
      const rows = inputs.rows?.rows ?? [];
      const winner = inputs.clusters?.[0]?.members[0];
      const reasoning = inputs.candidates?.candidates.find((c) => c.index === winner)?.reasoning ?? '';
      outputs.answer = {
        question: inputs.question ?? '',
        sql: inputs.sql ?? null,
        columns: inputs.rows?.columns ?? [],
        rows: rows.slice(0, params.maxRows),
        totalRows: rows.length,
        truncated: (inputs.rows?.truncated ?? false) || rows.length > params.maxRows,
        confidence: inputs.confidence ?? 0,
        explanation: explainFromReasoning(reasoning, params.explanationChars),
        abstained: inputs.abstained ?? inputs.sql === undefined,
        ...(inputs.reason === undefined ? {} : { reason: inputs.reason }),
        ...(inputs.clusters === undefined ? {} : { clusters: inputs.clusters }),
      };
    }
    return outputs;
  },
});
