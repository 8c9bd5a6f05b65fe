// The server's verdict on the current draft: issues by node and at flow level, and each node's
// ports (outputs of triggers depend on their params). Unchanged slices keep their identity so only
// nodes whose issues or ports changed re-render.

import { createStore } from 'zustand/vanilla';
import type { FlowIssue, NodePorts } from '../api/api-types.ts';
import type { IssueIndex, NodeIssue } from '../flow/index-issues.ts';
import { catalogPortsOf } from './catalog-store.ts';

export interface ValidationState {
  /** null until the first answer for the open flow. */
  ok: boolean | null;
  byNode: ReadonlyMap<string, NodeIssue[]>;
  flow: FlowIssue[];
  ports: ReadonlyMap<string, NodePorts>;
}

export const NO_ISSUES: NodeIssue[] = [];

export const validationStore = createStore<ValidationState>()(() => ({
  ok: null,
  byNode: new Map(),
  flow: [],
  ports: new Map(),
}));

export function setValidation(ok: boolean, issues: IssueIndex, ports: Record<string, NodePorts>): void {
  const previous = validationStore.getState();
  validationStore.setState({
    ok,
    byNode: keepIdentity(previous.byNode, issues.byNode),
    flow: issues.flow,
    ports: keepIdentity(previous.ports, new Map(Object.entries(ports))),
  });
}

export function clearValidation(): void {
  validationStore.setState({ ok: null, byNode: new Map(), flow: [], ports: new Map() });
}

/** A node's ports: as the server resolved them for the draft, else as the catalog declares them. */
export function portsOfNode(state: ValidationState, nodeId: string, type: string): NodePorts | undefined {
  return state.ports.get(nodeId) ?? catalogPortsOf(type);
}

function keepIdentity<T>(previous: ReadonlyMap<string, T>, next: Map<string, T>): Map<string, T> {
  for (const [key, value] of next) {
    const old = previous.get(key);
    if (old !== undefined && JSON.stringify(old) === JSON.stringify(value)) next.set(key, old);
  }
  return next;
}
