// A diff between two versions of a flow, as lists a person reads: nodes, params, edges.
import type { FlowDiff } from '../flow/diff-flows.ts';
import { isEmptyDiff } from '../flow/diff-flows.ts';

export function FlowDiffView({
  diff,
  fromLabel,
  toLabel,
}: {
  diff: FlowDiff;
  fromLabel: string;
  toLabel: string;
}) {
  if (isEmptyDiff(diff)) {
    return (
      <p className="muted" data-testid="version-diff">
        {toLabel} is the same as {fromLabel}.
      </p>
    );
  }
  return (
    <div className="flow-diff" data-testid="version-diff">
      <p className="muted">
        From {fromLabel} to {toLabel}:
      </p>
      <ul>
        {diff.flow.map((line) => (
          <li key={line} className="diff-changed">
            flow {line}
          </li>
        ))}
        {diff.nodesAdded.map((node) => (
          <li key={`+${node.id}`} className="diff-added">
            + node <b>{node.id}</b> ({node.type})
          </li>
        ))}
        {diff.nodesRemoved.map((node) => (
          <li key={`-${node.id}`} className="diff-removed">
            − node <b>{node.id}</b> ({node.type})
          </li>
        ))}
        {diff.nodesChanged.map((node) =>
          node.changes.map((change) => (
            <li key={`${node.id}:${change}`} className="diff-changed">
              ~ <b>{node.id}</b> {change}
            </li>
          )),
        )}
        {diff.edgesAdded.map((edge) => (
          <li key={`+${edge}`} className="diff-added">
            + edge {edge}
          </li>
        ))}
        {diff.edgesRemoved.map((edge) => (
          <li key={`-${edge}`} className="diff-removed">
            − edge {edge}
          </li>
        ))}
        {diff.nodesMoved.length > 0 ? (
          <li className="muted">
            {diff.nodesMoved.length} node{diff.nodesMoved.length === 1 ? '' : 's'} moved
          </li>
        ) : null}
      </ul>
    </div>
  );
}
