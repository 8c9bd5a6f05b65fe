// The data an expression preview evaluates against: the last run of the open flow (the run shown
// in the Run tab when it belongs to this flow, else the flow's latest run, fetched once), as the
// engine would hand it to a node: the run's input and each finished node's outputs.
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { ExpressionScope } from '../../../engine/param-expressions.ts';
import type { RunDetails } from '../api/api-types.ts';
import { getRun, listRuns } from '../api/runs-api.ts';
import { runStore } from './run-store.ts';

export interface PreviewScope {
  scope: ExpressionScope;
  runId: string;
}

export function scopeOf(details: RunDetails): PreviewScope {
  const nodes: ExpressionScope['nodes'] = {};
  for (const node of details.nodes) {
    if (node.output && typeof node.output === 'object')
      nodes[node.nodeId] = node.output as Record<string, unknown>;
  }
  return { scope: { input: details.run.input, nodes }, runId: details.run.id };
}

export function usePreviewScope(flowId: string | undefined): PreviewScope | null {
  const shown = useStore(runStore, (state) => (state.details?.run.flowId === flowId ? state.details : null));
  const [latest, setLatest] = useState<PreviewScope | null>(null);
  useEffect(() => {
    if (shown || !flowId) return;
    let live = true;
    void listRuns(flowId, 1)
      .then(async ([run]) => (run ? getRun(run.id) : null))
      .then((details) => {
        if (live && details) setLatest(scopeOf(details));
      })
      .catch(() => {
        // no preview data: the field says so
      });
    return () => {
      live = false;
    };
  }, [flowId, shown]);
  return shown ? scopeOf(shown) : latest;
}
