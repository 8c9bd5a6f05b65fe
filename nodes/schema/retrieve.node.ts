// schema.retrieve@1: the schema part of the prompt. Indexes the warehouse's tables and columns
// (FTS5 BM25, plus sqlite-vec or Milvus embeddings when an embeddings server is configured),
// picks the tables a question needs by reciprocal rank fusion with FK bridge tables, and renders
// them in SQL-R1's pseudo-DDL. Small warehouses are shown whole, as SQL-R1 does at eval time.
import { defineNode } from '../../engine/define-node.ts';
import { optional, Text } from '../../engine/ports.ts';
import { SchemaContextPort } from '../types.ts';
import { RetrieveParamsSchema } from './retrieve-params.ts';
import { retrieveSchema } from './retrieve-schema.ts';

export default defineNode({
  type: 'schema.retrieve',
  version: 1,
  title: 'Retrieve schema',
  family: 'schema',
  lane: 'io',
  description:
    "Finds the warehouse tables a question needs (BM25 + embeddings, rank fusion, FK bridges) and renders them as SQL-R1's CREATE TABLE text with example values.",
  params: RetrieveParamsSchema,
  inputs: { question: Text, database: optional(Text) },
  outputs: { schema: SchemaContextPort },
  run: retrieveSchema,
});
