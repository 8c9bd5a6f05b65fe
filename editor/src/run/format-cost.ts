// What a node or run cost, as people read it: "1,840 → 312 tokens · model 2.4 s · SQL 35 ms · 12 rows".
// Parts that are zero are left out; a run that spent nothing reads as the empty string.
import type { NodeCost } from '../../../engine/node-cost.ts';
import { formatDuration } from '../components/format-duration.ts';

export function formatCost(cost: NodeCost | null | undefined): string {
  if (!cost) return '';
  const parts = [
    cost.tokensIn > 0 || cost.tokensOut > 0
      ? `${count(cost.tokensIn)} → ${count(cost.tokensOut)} tokens`
      : '',
    cost.modelMs > 0 ? `model ${formatDuration(cost.modelMs)}` : '',
    cost.sqlMs > 0 ? `SQL ${formatDuration(cost.sqlMs)}` : '',
    cost.rows > 0 ? `${count(cost.rows)} ${cost.rows === 1 ? 'row' : 'rows'}` : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

/** The tokens alone, short, for a line in the runs list: "2.2k tokens". */
export function formatTokens(cost: NodeCost | null | undefined): string {
  const tokens = (cost?.tokensIn ?? 0) + (cost?.tokensOut ?? 0);
  if (tokens === 0) return '';
  return tokens < 1000 ? `${tokens} tokens` : `${(tokens / 1000).toFixed(1)}k tokens`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
