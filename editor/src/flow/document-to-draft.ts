// A stored or imported flow document as an editor draft. Nodes without a position are placed at
// the origin and reported, so the caller lays the flow out before showing it.
import type { FlowDocument } from '../../../engine/flow-schema.ts';
import type { FlowDraft } from './canvas-types.ts';

export function documentToDraft(document: FlowDocument): { draft: FlowDraft; needsLayout: boolean } {
  return {
    needsLayout: document.nodes.some((node) => node.position === undefined),
    draft: {
      id: document.id,
      name: document.name,
      ...(document.description === undefined ? {} : { description: document.description }),
      ...(document.project === undefined ? {} : { project: document.project }),
      ...(document.testSet === undefined ? {} : { testSet: document.testSet }),
      ...(document.retention === undefined ? {} : { retention: document.retention }),
      nodes: document.nodes.map((node) => ({
        id: node.id,
        type: node.type,
        ...(node.name === undefined ? {} : { name: node.name }),
        params: node.params,
        options: node.options,
        position: node.position ?? { x: 0, y: 0 },
      })),
      edges: document.edges,
    },
  };
}
