// What a node did in the shown run: state, tries, timings, cost, its input, its output (per port)
// and its error; and re-running the run from this node.

import { useStore } from 'zustand';
import type { NodeRunRecord } from '../api/api-types.ts';
import { formatCost } from '../run/format-cost.ts';
import { rerunShown } from '../run/run-session.ts';
import { runStore } from '../run/run-store.ts';
import { portsOfNode, validationStore } from '../state/validation-store.ts';
import { formatDuration } from './format-duration.ts';
import { JsonView } from './json-view.tsx';
import { PortValue } from './port-value.tsx';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export function NodeRunDetails({ nodeId, type }: { nodeId: string; type: string }) {
  const run = useStore(runStore, (state) => state.run);
  const record = useStore(runStore, (state) => state.details?.nodes.find((n) => n.nodeId === nodeId));
  const live = useStore(runStore, (state) => state.nodes[nodeId]);
  const attempts = useStore(runStore, (state) => state.details?.attempts);
  const ports = useStore(validationStore, (state) => portsOfNode(state, nodeId, type));
  if (!run) return null;
  const cost = formatCost(record?.cost);
  const nodeAttempts = attempts?.filter((attempt) => attempt.nodeId === nodeId) ?? [];
  return (
    <section className="node-run-details" data-testid="node-run-details">
      <div className="section-head">
        <h4>In run {run.id.slice(0, 10)}…</h4>
        {TERMINAL.has(run.status) ? (
          <button
            type="button"
            className="small"
            onClick={() => rerunShown(nodeId)}
            data-testid="rerun-from-node"
          >
            Re-run from here
          </button>
        ) : null}
      </div>
      <p>
        <span
          className={`pill status-${live?.status ?? record?.status ?? 'pending'}`}
          data-testid="node-run-status"
        >
          {live?.status ?? record?.status ?? 'pending'}
        </span>{' '}
        {describeTiming(record)}
      </p>
      {cost ? (
        <p className="node-run-cost" data-testid="node-run-cost">
          {cost}
        </p>
      ) : null}
      {nodeAttempts.length > 1 ? (
        <ul className="attempts">
          {nodeAttempts.map((attempt) => (
            <li key={attempt.attempt}>
              try {attempt.attempt}: {attempt.status}
              {attempt.cost ? ` · ${formatCost(attempt.cost)}` : ''}
              {attempt.error ? ` — ${attempt.error.message}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {record?.error ? (
        <div className="node-error" data-testid="node-run-error">
          <h5>Error {record.error.code}</h5>
          <p>{record.error.message}</p>
        </div>
      ) : null}
      {record ? (
        <>
          <details>
            <summary>Input</summary>
            <JsonView value={record.input} testId="node-run-input" />
          </details>
          <details open>
            <summary>Output</summary>
            {isRecord(record.output) ? (
              Object.entries(record.output).map(([name, value]) => (
                <PortValue
                  key={name}
                  name={name}
                  type={ports?.outputs.find((p) => p.name === name)?.type}
                  value={value}
                />
              ))
            ) : (
              <JsonView value={record.output} testId="node-run-output" />
            )}
          </details>
        </>
      ) : (
        <p className="muted">Input and output appear when the node has run.</p>
      )}
    </section>
  );
}

function describeTiming(record: NodeRunRecord | undefined): string {
  if (!record) return '';
  const parts = [
    record.attempt > 0 ? `try ${record.attempt}` : '',
    record.durationMs !== null ? formatDuration(record.durationMs) : '',
    record.reused ? 'output reused from the earlier run' : '',
    record.pinned ? 'pinned output, the node did not run' : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
