// llm.generate@1: SQL-R1's prompt to an OpenAI-compatible model server, `n` samples in one
// request, the last ```sql block of each sample as a candidate. Runs that reach the worker together
// share one request (runBatch), which is what makes a GPU server fast.
import { defineNode } from '../../engine/define-node.ts';
import { optional, Text } from '../../engine/ports.ts';
import { ConversationPort, SchemaContextPort, SqlCandidatesPort } from '../types.ts';
import { GenerateParamsSchema } from './generate-params.ts';
import { generateBatchKey, sampleCandidates, sampleCandidatesBatch } from './sample-candidates.ts';

export default defineNode({
  type: 'llm.generate',
  version: 1,
  title: 'Generate SQL candidates',
  family: 'llm',
  lane: 'llm',
  description:
    "Samples n SQL candidates from a model server with SQL-R1's prompt (schema, question, think/answer " +
    'format) and extracts the last ```sql block of each sample. A follow-up (history) puts the earlier ' +
    'questions and their SQL before the question, chat style.',
  params: GenerateParamsSchema,
  inputs: { question: Text, schema: SchemaContextPort, history: optional(ConversationPort) },
  outputs: { candidates: SqlCandidatesPort, prompt: Text },
  run: sampleCandidates,
  runBatch: sampleCandidatesBatch,
  batchKey: generateBatchKey,
  batchWeight: (params) => params.n,
});
