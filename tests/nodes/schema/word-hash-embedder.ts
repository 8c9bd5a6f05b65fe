// A deterministic stand-in for an embedding model: words (crudely singularised, a few synonyms
// folded together, the way a real model places "client" near "customer") hashed into 64
// dimensions and normalised. It counts the texts it embeds so tests can see what was re-embedded.
import type { ModelClient } from '../../../engine/model-client.ts';

const DIMENSIONS = 64;
const SYNONYMS: Record<string, string> = {
  client: 'customer',
  buyer: 'customer',
  shopper: 'customer',
  salesperson: 'rep',
  seller: 'rep',
  territory: 'region',
  merchandise: 'product',
};

export function embedText(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  for (const raw of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const word = raw.length > 3 && raw.endsWith('s') ? raw.slice(0, -1) : raw;
    const index = fnv1a(SYNONYMS[word] ?? word) % DIMENSIONS;
    vector[index] = (vector[index] ?? 0) + 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export interface CountingEmbedder extends ModelClient {
  /** Every text embedded so far, in call order. */
  readonly embedded: string[];
}

export function createWordHashEmbedder(): CountingEmbedder {
  const embedded: string[] = [];
  return {
    embedded,
    async embed(texts) {
      embedded.push(...texts);
      return texts.map(embedText);
    },
    async rerank() {
      throw new Error('this test embedder does not rerank');
    },
    async complete() {
      throw new Error('this test embedder does not complete');
    },
    async chat() {
      throw new Error('this test embedder does not chat');
    },
  };
}
