// examples.retrieve@1: the verified question → SQL examples nearest a question, from the
// warehouse's examples index (FTS5 BM25, plus sqlite-vec embeddings when the server embedded
// them). Reviewed feedback fills the index; llm.generate's `sql-r1-examples` style shows them.
import { defineNode } from '../../engine/define-node.ts';
import { Text } from '../../engine/ports.ts';
import { SchemaContextPort } from '../types.ts';
import { SqlExamplesPort } from './example-types.ts';
import { retrieveExamples } from './retrieve-examples.ts';
import { RetrieveExamplesParamsSchema } from './retrieve-examples-params.ts';

export default defineNode({
  type: 'examples.retrieve',
  version: 1,
  title: 'Retrieve verified examples',
  family: 'schema',
  lane: 'io',
  description:
    'Finds the verified question → SQL examples of the warehouse nearest the question (BM25 + embeddings, rank fusion), for a few-shot prompt.',
  params: RetrieveExamplesParamsSchema,
  inputs: { question: Text, schema: SchemaContextPort },
  outputs: { examples: SqlExamplesPort },
  run: retrieveExamples,
});
