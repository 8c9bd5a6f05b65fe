// Start-up: session, catalog (cached for offline use), the flow list, and the flow to open (from
// the URL, the last one used, or the newest).
import { ServerUnreachableError } from '../api/http-client.ts';
import { fetchCatalog, getSession } from '../api/system-api.ts';
import { restoreCachedCatalog, setCatalog } from './catalog-store.ts';
import { markSignInRequired } from './connectivity-store.ts';
import { editorStore } from './editor-store.ts';
import { openFlow } from './flow-actions.ts';
import { flowsStore, refreshFlows } from './flows-store.ts';
import { lastFlowId } from './local-draft.ts';
import { notify } from './notices-store.ts';
import { setSessionUser } from './session-store.ts';

export async function bootstrap(): Promise<void> {
  try {
    const session = await getSession();
    setSessionUser(session.user);
    if (session.keyRequired && !session.signedIn) {
      markSignInRequired(true);
      return;
    }
  } catch (error) {
    if (!(error instanceof ServerUnreachableError)) throw error;
  }
  await loadCatalog();
  await refreshFlows().catch(() => undefined);
  const initial = flowIdFromHash() ?? lastFlowId() ?? flowsStore.getState().flows[0]?.id;
  if (initial) await openFlow(initial, { guard: false });
}

/** After the server comes back: what could not be loaded while it was away. */
export async function reconnect(): Promise<void> {
  await loadCatalog();
  await refreshFlows().catch(() => undefined);
  if (!editorStore.getState().meta) {
    const initial = flowIdFromHash() ?? lastFlowId() ?? flowsStore.getState().flows[0]?.id;
    if (initial) await openFlow(initial, { guard: false });
  }
}

async function loadCatalog(): Promise<void> {
  try {
    setCatalog(await fetchCatalog());
  } catch {
    if (!restoreCachedCatalog())
      notify('error', 'The node catalog could not be loaded; the palette is empty.', 'catalog');
  }
}

export function flowIdFromHash(): string | null {
  const match = /^#\/flows\/(.+)$/.exec(location.hash);
  return match ? decodeURIComponent(match[1]!) : null;
}
