// Who is signed in and what their role lets them do with the open flow, from GET /api/session.
// The server decides every request; the editor only hides or disables what it would refuse, so
// a runner is not offered Save and a viewer not offered Run.
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { SessionState } from '../api/api-types.ts';
import { editorStore } from './editor-store.ts';

type Role = 'admin' | 'editor' | 'runner' | 'viewer';

export const sessionStore = createStore<{ user: SessionState['user'] }>()(() => ({ user: null }));

export function setSessionUser(user: SessionState['user']): void {
  sessionStore.setState({ user });
}

export interface FlowRights {
  /** The caller's role in the open flow's project; null with none there. */
  role: Role | null;
  /** Save, publish, delete, switch, and change nodes. */
  canEdit: boolean;
  canRun: boolean;
  /** Whether the caller may create a flow in any project. */
  canCreate: boolean;
}

const EDITS: ReadonlySet<string> = new Set(['admin', 'editor']);
const RUNS: ReadonlySet<string> = new Set(['admin', 'editor', 'runner']);

/**
 * What the signed-in user may do with a flow of `project`. Without a user (the loopback operator,
 * or a key made before users) everything, as the server allows; a server admin everything too.
 */
export function rightsIn(user: SessionState['user'], project: string): FlowRights {
  if (!user || user.role === 'admin') return { role: 'admin', canEdit: true, canRun: true, canCreate: true };
  const role = (user.projects?.[project] ?? null) as Role | null;
  const roles = Object.values(user.projects ?? {});
  return {
    role,
    canEdit: role !== null && EDITS.has(role),
    canRun: role !== null && RUNS.has(role),
    canCreate: roles.some((held) => EDITS.has(held)),
  };
}

/** The signed-in user's rights in the open flow's project (its document's, `default` when it names none). */
export function useFlowRights(): FlowRights {
  const user = useStore(sessionStore, (state) => state.user);
  const project = useStore(editorStore, (state) => state.meta?.project ?? 'default');
  return rightsIn(user, project);
}
