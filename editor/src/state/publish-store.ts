// Where the open flow stands on the server beyond its document: whether it exists there, which
// version is published, whether the saved draft differs from it, and whether the flow is on.
import { createStore } from 'zustand/vanilla';
import type { FlowSummary } from '../api/api-types.ts';

export interface PublishState {
  /** The server has the flow (as a draft or versions). */
  exists: boolean;
  publishedVersion: number | null;
  /** The draft saved on the server differs from the published version. */
  unpublished: boolean;
  enabled: boolean;
}

const nothing: PublishState = { exists: false, publishedVersion: null, unpublished: false, enabled: true };

export const publishStore = createStore<PublishState>()(() => nothing);

export function showPublishState(flow: FlowSummary | null, unpublished: boolean): void {
  publishStore.setState(
    flow
      ? { exists: true, publishedVersion: flow.publishedVersion, unpublished, enabled: flow.enabled }
      : nothing,
  );
}
