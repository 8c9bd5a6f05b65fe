// Finds the answer of a run: what output.answer emitted (question, SQL, rows, confidence, the
// vote's clusters), wherever the flow routed it.
import type { RunDetails, RunRecord } from '../api/api-types.ts';

export type Cell = string | number | boolean | null;

export interface VoteCluster {
  sql: string;
  votes: number;
  members: number[];
  rowCount: number;
}

export interface Answer {
  question?: string;
  sql?: string;
  columns: string[];
  rows: Cell[][];
  truncated: boolean;
  /** Rows output.answer received, when it capped them (older answers lack it). */
  totalRows?: number;
  confidence?: number;
  explanation?: string;
  abstained?: boolean;
  reason?: string;
  clusters?: VoteCluster[];
}

export function isAnswer(value: unknown): value is Answer {
  const candidate = value as Partial<Answer> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    Array.isArray(candidate.columns) &&
    Array.isArray(candidate.rows)
  );
}

export function isVoteClusters(value: unknown): value is VoteCluster[] {
  return (
    Array.isArray(value) &&
    value.every((item) => typeof item === 'object' && item !== null && 'votes' in item && 'sql' in item)
  );
}

/** The one value of a one-row, one-column answer ("How many customers?"): shown as a number. */
export function singleValue(answer: Answer): { label: string; value: Cell } | null {
  if (answer.abstained || answer.rows.length !== 1 || answer.columns.length !== 1) return null;
  return { label: answer.columns[0]!, value: answer.rows[0]![0] ?? null };
}

/** The first answer among the run's outputs, or among its nodes' outputs. */
export function findAnswer(run: RunRecord | null, details: RunDetails | null): Answer | null {
  for (const value of outputValues(run?.output)) if (isAnswer(value)) return value;
  for (const node of details?.nodes ?? []) {
    for (const value of outputValues(node.output)) if (isAnswer(value)) return value;
  }
  return null;
}

function outputValues(output: unknown): unknown[] {
  if (typeof output !== 'object' || output === null) return [];
  return Object.values(output);
}
