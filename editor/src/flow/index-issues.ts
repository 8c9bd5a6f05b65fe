// Puts the server's validation issues where the user will see them: on the node they concern
// (by `nodeId`, or by the `nodes[i]` / `edges[i]` index in the draft that was validated), at the
// form field of their path, and the rest at flow level.
import type { FlowIssue } from '../api/api-types.ts';
import type { FlowDraft } from './canvas-types.ts';

export interface NodeIssue {
  code: string;
  message: string;
  /** Path inside the node, e.g. `params.n` or `options.retry.attempts`; absent for the whole node. */
  field?: string;
}

export interface IssueIndex {
  byNode: Map<string, NodeIssue[]>;
  flow: FlowIssue[];
}

const NODE_PATH = /^nodes\[(\d+)\](?:\.(.+))?$/;
const EDGE_PATH = /^edges\[(\d+)\]/;

export function indexIssues(
  issues: readonly FlowIssue[],
  draft: Pick<FlowDraft, 'nodes' | 'edges'>,
): IssueIndex {
  const byNode = new Map<string, NodeIssue[]>();
  const flow: FlowIssue[] = [];
  for (const issue of issues) {
    const nodeMatch = NODE_PATH.exec(issue.path);
    const edgeMatch = EDGE_PATH.exec(issue.path);
    const nodeId =
      issue.nodeId ??
      (nodeMatch ? draft.nodes[Number(nodeMatch[1])]?.id : undefined) ??
      (edgeMatch ? draft.edges[Number(edgeMatch[1])]?.to.node : undefined);
    if (nodeId === undefined) {
      flow.push(issue);
      continue;
    }
    const field = nodeMatch?.[2];
    const entry: NodeIssue = {
      code: issue.code,
      message: issue.message.startsWith(`${nodeId}: `)
        ? issue.message.slice(nodeId.length + 2)
        : issue.message,
      ...(field === undefined ? {} : { field }),
    };
    byNode.set(nodeId, [...(byNode.get(nodeId) ?? []), entry]);
  }
  return { byNode, flow };
}
