// Pinned node outputs: per flow and node, an output copied from a past run, which runs started
// from the editor take instead of running the node (webhooks and schedules never do).

export interface PinRecord {
  flowId: string;
  nodeId: string;
  /** `type@version` of the node whose output this is; a pin on a node of another type is not used. */
  nodeKey: string;
  /** The run the output was copied from. */
  runId: string;
  output: Record<string, unknown>;
  pinnedAt: number;
}

export interface PinRecords {
  /** Sets the node's pin, replacing one it had. */
  put(pin: PinRecord): Promise<void>;
  get(flowId: string, nodeId: string): Promise<PinRecord | null>;
  /** The flow's pins in node id order. */
  list(flowId: string): Promise<PinRecord[]>;
  /** Whether there was a pin to remove. */
  remove(flowId: string, nodeId: string): Promise<boolean>;
}
