// Reciprocal rank fusion (Cormack et al., 2009): an item's score is the sum over rankings of
// 1 / (k + rank), rank counted from 1. It needs no score calibration between BM25 and cosine
// similarity, only their orders; k = 60 is the paper's value and the common default.

export const DEFAULT_FUSION_K = 60;

/** Fused scores of every item that appears in any ranking (each ranking best first). */
export function fuseRanks<T>(rankings: readonly (readonly T[])[], k = DEFAULT_FUSION_K): Map<T, number> {
  const scores = new Map<T, number>();
  for (const ranking of rankings) {
    ranking.forEach((item, index) => {
      scores.set(item, (scores.get(item) ?? 0) + 1 / (k + index + 1));
    });
  }
  return scores;
}
