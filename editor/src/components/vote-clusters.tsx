// The candidates of a self-consistency vote grouped by result, most votes first. The vote itself
// keeps the groups in the order first seen, and a tie goes to the earlier group (as in SQL-R1), so
// the sort is stable. Candidates are numbered as in the run's JSON (`members`, from 0), so what the
// editor says matches what a builder reads in the node's output.
import type { VoteCluster } from '../run/answer.ts';

export function VoteClusters({ clusters }: { clusters: VoteCluster[] }) {
  const total = clusters.reduce((sum, cluster) => sum + cluster.votes, 0);
  const ranked = [...clusters].sort((a, b) => b.votes - a.votes);
  return (
    <div className="vote-clusters" data-testid="vote-clusters">
      <p className="muted">
        {clusters.length} group{clusters.length === 1 ? '' : 's'} of candidates with the same result; {total}{' '}
        valid vote{total === 1 ? '' : 's'}.
      </p>
      <ol>
        {ranked.map((cluster, index) => (
          <li
            key={cluster.members.join(',')}
            className={index === 0 ? 'winner' : ''}
            data-testid="vote-cluster"
          >
            <div className="cluster-head">
              <span className="cluster-votes" data-testid="cluster-votes">
                {cluster.votes} vote{cluster.votes === 1 ? '' : 's'}
              </span>
              <span className="muted">
                candidates {cluster.members.map((m) => `#${m}`).join(', ')} · {cluster.rowCount} row
                {cluster.rowCount === 1 ? '' : 's'}
              </span>
              {index === 0 ? <span className="pill success">most votes</span> : null}
            </div>
            <pre className="sql">{cluster.sql}</pre>
          </li>
        ))}
      </ol>
    </div>
  );
}
