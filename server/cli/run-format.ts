// Human-readable run listings for the CLI.
import type { NodeAttemptRecord, RunRecord } from '../../engine/store/records.ts';
import type { StoredRun } from '../../engine/store/store.ts';

export function formatRunTable(runs: RunRecord[]): string {
  if (runs.length === 0) return 'no runs\n';
  const rows = runs.map((run) => [
    run.id,
    `${run.flowId}@${run.flowVersion}`,
    run.status,
    new Date(run.createdAt).toISOString().replace('T', ' ').slice(0, 19),
    duration(run.startedAt, run.finishedAt),
    run.error ? `${run.error.code}${run.error.nodeId ? ` at ${run.error.nodeId}` : ''}` : '',
  ]);
  return table(['RUN', 'FLOW', 'STATUS', 'CREATED', 'TOOK', 'ERROR'], rows);
}

export function formatRunDetail(stored: StoredRun, attempts: NodeAttemptRecord[]): string {
  const { run, nodes } = stored;
  const lines = [
    `run      ${run.id}`,
    `flow     ${run.flowId} version ${run.flowVersion}`,
    `status   ${run.status}${runErrorText(run)}`,
    `trigger  ${run.trigger.kind}${run.rerunOf ? ` (re-run of ${run.rerunOf})` : ''}`,
    ...(run.threadId === null ? [] : [`thread   ${run.threadId}`]),
    `took     ${duration(run.startedAt, run.finishedAt)}`,
    '',
  ];
  const rows = nodes.map((node) => {
    const tries = attempts.filter((a) => a.nodeId === node.nodeId).length;
    return [
      node.nodeId,
      node.nodeKey,
      node.status + (node.reused ? ' (reused)' : node.pinned ? ' (pinned)' : ''),
      String(Math.max(node.attempt, tries)),
      node.durationMs === null ? '' : `${Math.round(node.durationMs)} ms`,
      node.error ? `${node.error.code}: ${node.error.message}` : '',
    ];
  });
  lines.push(table(['NODE', 'TYPE', 'STATUS', 'TRIES', 'TOOK', 'ERROR'], rows));
  if (run.output !== null) lines.push('output:', JSON.stringify(run.output, null, 2), '');
  return lines.join('\n');
}

/** A node's failure is named here and detailed once, in the node table below. */
function runErrorText(run: RunRecord): string {
  if (!run.error) return '';
  if (run.error.nodeId !== undefined) return ` at node "${run.error.nodeId}" (${run.error.code})`;
  return ` — ${run.error.code}: ${run.error.message}`;
}

function duration(start: number | null, end: number | null): string {
  if (start === null) return '';
  const ms = (end ?? Date.now()) - start;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
