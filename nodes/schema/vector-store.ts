// Where chunk embeddings live. sqlite-vec keeps them inside the index file (the default, no
// server); Milvus serves large deployments. Both keep the same contract, pinned by one test suite
// (tests/nodes/schema/vector-store.contract.ts).

export interface VectorRecord {
  /** The chunk's id in the schema index. */
  id: number;
  /** The table the chunk belongs to, so a changed table's vectors can be dropped together. */
  table: string;
  vector: readonly number[];
}

export interface VectorHit {
  id: number;
  table: string;
  /** Cosine similarity, 1 for the same direction. */
  similarity: number;
}

export interface VectorStore {
  /** For logs and errors: `sqlite-vec`, `milvus`. */
  readonly kind: string;
  /** Inserts or replaces records by id. All vectors of a store share one dimension. */
  upsert(records: readonly VectorRecord[]): Promise<void>;
  deleteByTable(table: string): Promise<void>;
  /** The `topK` nearest records, nearest first. */
  query(vector: readonly number[], topK: number): Promise<VectorHit[]>;
  count(): Promise<number>;
  /** Drops every record, and the dimension with them (a new embedding model may use another). */
  clear(): Promise<void>;
  close(): Promise<void>;
}
