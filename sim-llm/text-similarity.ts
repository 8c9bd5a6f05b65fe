// Deterministic stand-ins for an embedding model and a reranker, good enough to test retrieval:
// embeddings are hashed character 3-grams (similar text, high cosine similarity), rerank scores
// are the share of the query's words found in the document. The same 3-grams rank the recorded
// questions nearest an unknown one.

/** Hashed character 3-grams of the lower-cased text, L2-normalised; all zeros for text under 3 characters. */
export function embedText(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const trigram of trigramsOf(text)) vector[fnv1a(trigram) % dimensions]! += 1;
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((value) => value / norm);
}

/** Dice similarity of the texts' distinct character 3-grams, from 0 (none shared) to 1 (the same set). */
export function trigramSimilarity(a: string, b: string): number {
  const first = new Set(trigramsOf(a));
  const second = new Set(trigramsOf(b));
  if (first.size + second.size === 0) return 0;
  let shared = 0;
  for (const trigram of first) if (second.has(trigram)) shared++;
  return (2 * shared) / (first.size + second.size);
}

/** The lower-cased text's character 3-grams, with a space padded on each side so word edges count. */
function trigramsOf(text: string): string[] {
  const padded = ` ${text.toLowerCase()} `;
  const trigrams: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) trigrams.push(padded.slice(i, i + 3));
  return trigrams;
}

/** The share of the query's distinct words that the document contains, from 0 to 1. */
export function lexicalOverlap(query: string, document: string): number {
  const queryWords = wordsOf(query);
  if (queryWords.size === 0) return 0;
  const documentWords = wordsOf(document);
  let shared = 0;
  for (const word of queryWords) if (documentWords.has(word)) shared++;
  return shared / queryWords.size;
}

function wordsOf(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

/** 32-bit FNV-1a over UTF-16 code units: fast, stable across runs and platforms. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
