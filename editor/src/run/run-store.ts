// The run shown in the editor: its record, each node's live state from the SSE stream, the stored
// details (inputs, outputs, errors) once fetched, the runs of its thread (follow-ups), and the
// flow's recent runs.

import { createStore } from 'zustand/vanilla';
import type { RunDetails, RunRecord } from '../api/api-types.ts';
import type { NodeRunView } from './apply-run-event.ts';

export interface RunState {
  run: RunRecord | null;
  nodes: Readonly<Record<string, NodeRunView>>;
  details: RunDetails | null;
  /** The runs of the shown run's thread, newest first; empty outside a thread. */
  thread: RunRecord[];
  history: RunRecord[];
}

export const runStore = createStore<RunState>()(() => ({
  run: null,
  nodes: {},
  details: null,
  thread: [],
  history: [],
}));
