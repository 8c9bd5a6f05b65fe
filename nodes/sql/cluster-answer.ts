// sql.vote's answer (SQL, rows, confidence figures) recomputed from clusters in a chosen order and
// the executed candidates, so a node after the vote (sql.judge) that puts another cluster first
// answers in exactly the vote's shape.
import type { ExecutedCandidate, Rows, VoteCluster } from '../types.ts';

export interface ClusterStats {
  confidence: number;
  clusters: VoteCluster[];
  share: number;
  margin: number;
  valid: number;
  clusterCount: number;
}

/** The figures sql.vote reports, for `clusters` best first over `candidates` (all of them, failed ones too). */
export function clusterStats(clusters: readonly VoteCluster[], candidates: number): ClusterStats {
  const valid = clusters.reduce((sum, cluster) => sum + cluster.votes, 0);
  const [top, next] = clusters;
  return {
    confidence: top === undefined || candidates === 0 ? 0 : top.votes / candidates,
    clusters: [...clusters],
    share: top === undefined ? 0 : top.votes / valid,
    margin: top === undefined ? 0 : (top.votes - (next?.votes ?? 0)) / valid,
    valid,
    clusterCount: clusters.length,
  };
}

/** The member whose SQL the cluster reports (its representative), else its first member. */
export function clusterRepresentative(
  cluster: VoteCluster,
  candidates: readonly ExecutedCandidate[],
): ExecutedCandidate | undefined {
  const members = candidates.filter((candidate) => cluster.members.includes(candidate.index));
  return members.find((candidate) => candidate.sql === cluster.sql) ?? members[0];
}

/** The cluster's result as sql.vote's `rows` output. */
export function rowsOf(cluster: VoteCluster, candidates: readonly ExecutedCandidate[]): Rows {
  const representative = clusterRepresentative(cluster, candidates);
  return {
    columns: representative?.columns ?? [],
    rows: representative?.rows ?? [],
    truncated: representative?.truncated ?? false,
  };
}
