// Hybrid retrieval over the schema index: BM25 ranks chunks by the question's words, the vector
// store ranks them by embedding similarity, reciprocal rank fusion merges the two, each table
// collects the votes of its best chunks, an optional reranker re-orders the leading tables, and
// FK bridge tables are added so the chosen tables can be joined. Small warehouses skip all this:
// SQL-R1 shows every table at eval time, and so do we when they fit under `maxTables`.

import { R1flowError } from '../../engine/errors.ts';
import type { ModelClient } from '../../engine/model-client.ts';
import type { SchemaContext } from '../types.ts';
import { ftsQueryFor } from './question-terms.ts';
import { fuseRanks } from './rank-fusion.ts';
import type { Dialect } from './render-ddl.ts';
import { renderTableDdl } from './render-ddl.ts';
import { chunkLabel } from './schema-chunks.ts';
import type { SchemaIndex, TextHit } from './schema-index.ts';
import type { JoinGraph, ScoredTable } from './select-tables.ts';
import { buildJoinGraph, selectTables } from './select-tables.ts';
import type { VectorStore } from './vector-store.ts';
import type { TableSchema } from './warehouse-schema.ts';

export interface RetrieveOptions {
  maxTables: number;
  /** The k of reciprocal rank fusion. */
  fusionK: number;
  /** The question's embedding; without it retrieval is BM25 only. */
  queryVector?: readonly number[] | undefined;
  /** Where chunk vectors live; default the index file's own sqlite-vec table. */
  vectors?: VectorStore | undefined;
  /** Re-orders the leading tables by relevance scores from `/v1/rerank`. */
  reranker?: ModelClient | undefined;
  signal?: AbortSignal | undefined;
  /** How the reranker's documents write names; default sqlite. */
  dialect?: Dialect | undefined;
}

export interface TableSelection {
  /** Chosen tables in the warehouse's order. */
  tables: TableSchema[];
  retrieval: SchemaContext['retrieval'];
}

/** Chunks each ranking contributes to fusion. */
const CANDIDATE_CHUNKS = 50;
/** A table's score is the sum of its best chunks' fused scores, so wide tables do not win by width. */
const CHUNKS_PER_TABLE = 3;
const REASONS_PER_TABLE = 4;

export async function retrieveTables(
  index: SchemaIndex,
  question: string,
  options: RetrieveOptions,
): Promise<TableSelection> {
  const tables = index.tableSchemas();
  if (tables.length <= options.maxTables) {
    const reason = `all tables: the warehouse has ${tables.length} (maxTables ${options.maxTables})`;
    return inWarehouseOrder(
      tables,
      tables.map((table) => ({ name: table.name, score: 1, reasons: [reason] })),
    );
  }
  const ftsQuery = ftsQueryFor(question);
  const textHits = ftsQuery === undefined ? [] : index.searchText(ftsQuery, CANDIDATE_CHUNKS);
  const vectorHits = options.queryVector
    ? await searchVectors(index, options.vectors ?? index.localVectors, options.queryVector)
    : [];
  const graph = buildJoinGraph(tables);
  let ranked = rankTables(textHits, vectorHits, options.fusionK);
  if (ranked.length > 0 && options.reranker) {
    ranked = await rerankTables(
      ranked.slice(0, options.maxTables * 2),
      tables,
      question,
      options.reranker,
      options,
    );
  }
  if (ranked.length === 0) ranked = rankByConnections(tables, graph);
  return inWarehouseOrder(tables, selectTables(ranked, graph, options.maxTables));
}

async function searchVectors(
  index: SchemaIndex,
  vectors: VectorStore,
  queryVector: readonly number[],
): Promise<TextHit[]> {
  const hits = await vectors.query(queryVector, CANDIDATE_CHUNKS);
  const chunks = index.chunksById(hits.map((hit) => hit.id));
  // A vector whose chunk was re-indexed away meanwhile is skipped.
  return hits.flatMap((hit) => chunks.get(hit.id) ?? []);
}

/** Chunk scores by reciprocal rank fusion; each chunk votes for its table. */
function rankTables(
  textHits: readonly TextHit[],
  vectorHits: readonly TextHit[],
  fusionK: number,
): ScoredTable[] {
  const chunkScores = fuseRanks([textHits.map((hit) => hit.id), vectorHits.map((hit) => hit.id)], fusionK);
  const chunks = new Map([...textHits, ...vectorHits].map((hit) => [hit.id, hit]));
  const fromText = new Set(textHits.map((hit) => hit.id));
  const fromVectors = new Set(vectorHits.map((hit) => hit.id));
  const byTable = new Map<string, { hit: TextHit; score: number }[]>();
  for (const [id, score] of chunkScores) {
    const hit = chunks.get(id);
    if (!hit) continue;
    byTable.set(hit.table, [...(byTable.get(hit.table) ?? []), { hit, score }]);
  }
  const ranked = [...byTable].map(([name, votes]) => {
    const best = votes.sort((a, b) => b.score - a.score).slice(0, CHUNKS_PER_TABLE);
    const reasons = best.flatMap(({ hit }) => [
      ...(fromText.has(hit.id) ? [`bm25:${chunkLabel(hit)}`] : []),
      ...(fromVectors.has(hit.id) ? [`vector:${chunkLabel(hit)}`] : []),
    ]);
    return {
      name,
      score: round(best.reduce((sum, vote) => sum + vote.score, 0)),
      reasons: reasons.slice(0, REASONS_PER_TABLE),
    };
  });
  return ranked.sort((a, b) => b.score - a.score);
}

async function rerankTables(
  candidates: readonly ScoredTable[],
  tables: readonly TableSchema[],
  question: string,
  reranker: ModelClient,
  { signal, dialect }: Pick<RetrieveOptions, 'signal' | 'dialect'>,
): Promise<ScoredTable[]> {
  const schemas = new Map(tables.map((table) => [table.name, table]));
  const documents = candidates.map((candidate) => {
    const schema = schemas.get(candidate.name);
    return schema ? renderTableDdl(schema, dialect) : candidate.name;
  });
  const scores = await reranker.rerank(question, documents, signal ? { signal } : {});
  if (scores.length !== candidates.length) {
    throw new R1flowError(
      'LLM_BAD_RESPONSE',
      `rerank returned ${scores.length} scores for ${candidates.length} tables`,
    );
  }
  return candidates
    .map((candidate, position) => {
      const score = round(scores[position] ?? 0);
      return { ...candidate, score, reasons: [`rerank:${score}`, ...candidate.reasons] };
    })
    .sort((a, b) => b.score - a.score);
}

/** No word or vector matched: offer the most connected tables, the hubs most questions go through. */
function rankByConnections(tables: readonly TableSchema[], graph: JoinGraph): ScoredTable[] {
  return tables
    .map((table) => ({ name: table.name, degree: graph.get(table.name)?.size ?? 0 }))
    .sort((a, b) => b.degree - a.degree)
    .map(({ name, degree }) => ({
      name,
      score: 0,
      reasons: [`no match: fallback to connected tables (${degree} links)`],
    }));
}

function inWarehouseOrder(tables: readonly TableSchema[], chosen: readonly ScoredTable[]): TableSelection {
  const byName = new Map(chosen.map((table) => [table.name, table]));
  const picked = tables.filter((table) => byName.has(table.name));
  return {
    tables: picked,
    retrieval: picked.map((table) => {
      const { score = 0, reasons = [] } = byName.get(table.name) ?? {};
      return { table: table.name, score, reasons };
    }),
  };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
