// test-suite's `result_eq` (exec_eval.py): two results are the same denotation when some
// permutation of the prediction's columns makes the row bags equal (the row lists, when order
// matters). Both empty is a match; the row count and the first rows' widths must agree.
//
// Two deliberate shortcuts give the same answers as the original:
// - test-suite sorts each row's cells by `str(x) + str(type(x))` for its quick rejection; that
//   is only a canonical form of the row's cells, so any fixed order of cell keys does the job;
// - test-suite prunes column permutations by checking 20 random prediction rows against the
//   gold's column values (every permutation when there are 3 columns or fewer); a pruned
//   permutation can never match, so pruning with every row is deterministic and decides the same.
// One Python effect cannot be reproduced: Python's quick rejection can refuse rows holding 1 in
// one result and 1.0 in the other; cells here are JSON numbers, where both are 1.
import type { Cell } from '../../nodes/types.ts';
import { cellKey, rowKey } from './row-key.ts';

export type ResultRows = readonly (readonly Cell[])[];

function countKeys(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

function sameBag(left: readonly string[], right: readonly string[]): boolean {
  const counts = countKeys(left);
  for (const key of right) {
    const remaining = counts.get(key) ?? 0;
    if (remaining === 0) return false;
    counts.set(key, remaining - 1);
  }
  return true;
}

function sameList(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((key, index) => key === right[index]);
}

function sameSet(left: readonly string[], right: readonly string[]): boolean {
  const leftSet = new Set(left);
  const rightSet = new Set(right);
  return leftSet.size === rightSet.size && [...leftSet].every((key) => rightSet.has(key));
}

/** Each row's cells as an unordered multiset: equal rows under some column order share it. */
function unorderedRowKey(row: readonly Cell[]): string {
  return JSON.stringify(row.map(cellKey).sort());
}

function passesQuickCheck(gold: ResultRows, pred: ResultRows, orderMatters: boolean): boolean {
  const goldRows = gold.map(unorderedRowKey);
  const predRows = pred.map(unorderedRowKey);
  return orderMatters ? sameList(goldRows, predRows) : sameSet(goldRows, predRows);
}

/** Column orders of `pred` that could line up with gold: column `i` of gold may take pred
 * column `j` only if every pred value in `j` occurs in gold's column `i`. */
function* candidatePermutations(gold: ResultRows, pred: ResultRows, width: number): Generator<number[]> {
  const allowed = Array.from({ length: width }, (_, goldColumn) => {
    const goldValues = new Set(gold.map((row) => cellKey(row[goldColumn] ?? null)));
    return Array.from({ length: width }, (_, predColumn) => predColumn).filter((predColumn) =>
      pred.every((row) => goldValues.has(cellKey(row[predColumn] ?? null))),
    );
  });
  const chosen: number[] = [];
  const used = new Set<number>();
  function* extend(goldColumn: number): Generator<number[]> {
    if (goldColumn === width) {
      yield [...chosen];
      return;
    }
    for (const predColumn of allowed[goldColumn] ?? []) {
      if (used.has(predColumn)) continue;
      used.add(predColumn);
      chosen.push(predColumn);
      yield* extend(goldColumn + 1);
      chosen.pop();
      used.delete(predColumn);
    }
  }
  yield* extend(0);
}

export function resultsEqual(gold: ResultRows, pred: ResultRows, orderMatters: boolean): boolean {
  if (gold.length === 0 && pred.length === 0) return true;
  if (gold.length !== pred.length) return false;
  const width = gold[0]?.length ?? 0;
  if (pred[0]?.length !== width) return false;
  if (!passesQuickCheck(gold, pred, orderMatters)) return false;

  const goldKeys = gold.map(rowKey);
  for (const permutation of candidatePermutations(gold, pred, width)) {
    const predKeys = pred.map((row) => rowKey(permutation.map((column) => row[column] ?? null)));
    if (orderMatters ? sameList(goldKeys, predKeys) : sameBag(goldKeys, predKeys)) return true;
  }
  return false;
}
