// How a flow document lives on the canvas: one @xyflow/react node per flow node (its data is the
// node's document fields), one edge per flow edge with the ports as handle ids.
import type { Edge, Node } from '@xyflow/react';
import type { FlowRetention, FlowTestSet, NodeOptions } from '../../../engine/flow-schema.ts';

export interface FlowNodeData extends Record<string, unknown> {
  /** `family.name@version`. */
  type: string;
  name?: string;
  params: Record<string, unknown>;
  options: Partial<NodeOptions>;
}

export type CanvasNode = Node<FlowNodeData, 'flow'>;
export type CanvasEdge = Edge;

export interface FlowMeta {
  id: string;
  name: string;
  description?: string;
  /** Kept through canvas edits, so saving from the editor never moves a flow to another project. */
  project?: string;
  /** Edited as JSON (import/export), kept through canvas edits. */
  testSet?: FlowTestSet;
  /** Edited as JSON too, kept through canvas edits. */
  retention?: FlowRetention;
}

/** A flow draft: the document without the store-assigned version; positions always present. */
export interface FlowDraft extends FlowMeta {
  nodes: {
    id: string;
    type: string;
    name?: string;
    params: Record<string, unknown>;
    options: Partial<NodeOptions>;
    position: { x: number; y: number };
  }[];
  edges: { id: string; from: { node: string; port: string }; to: { node: string; port: string } }[];
}

/** A change to a node's document fields; an empty name removes it. */
export type FlowDataPatch = Partial<Pick<FlowNodeData, 'name' | 'params' | 'options'>>;
