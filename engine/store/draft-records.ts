// A flow's draft: the one mutable copy the editor autosaves, kept beside the immutable versions.
// Runs never point at a draft; running one first snapshots it as an (unpublished) version.
import type { FlowDocument } from '../flow-schema.ts';

export interface FlowDraft {
  flowId: string;
  document: FlowDocument;
  updatedAt: number;
  /** Who saved it last (API key or user name); null when unknown. */
  updatedBy: string | null;
}

export interface DraftRecords {
  /** The flow's draft; null when it has none (its latest version is then what an editor opens). */
  get(flowId: string): Promise<FlowDraft | null>;
  /** Replaces the flow's draft; a flow saved only as a draft exists with no version yet. */
  save(document: FlowDocument, by: string | null): Promise<FlowDraft>;
  /** Drops the draft; false when there was none. */
  discard(flowId: string): Promise<boolean>;
}
