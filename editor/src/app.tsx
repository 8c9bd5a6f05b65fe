// The editor: flow menu, palette, canvas and side panel, plus the banners and dialogs around them.
import { useCallback, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { AuditPage } from './components/audit-page.tsx';
import { ConfirmDialog } from './components/confirm-dialog.tsx';
import { ConnectionsPage } from './components/connections-page.tsx';
import { FlowCanvas } from './components/flow-canvas.tsx';
import { NewFlowDialog } from './components/new-flow-dialog.tsx';
import { Notices } from './components/notices.tsx';
import { OfflineBanner } from './components/offline-banner.tsx';
import { Palette } from './components/palette.tsx';
import { ShortcutsHelp } from './components/shortcuts-help.tsx';
import { SidePanel } from './components/side-panel.tsx';
import { SignIn } from './components/sign-in.tsx';
import { TopBar } from './components/top-bar.tsx';
import { useShortcuts } from './hooks/use-shortcuts.ts';
import { useUnsavedGuard } from './hooks/use-unsaved-guard.ts';
import { bootstrap, flowIdFromHash, reconnect } from './state/bootstrap.ts';
import { connectivityStore } from './state/connectivity-store.ts';
import { startDraftAutosave } from './state/draft-autosave.ts';
import { editorStore } from './state/editor-store.ts';
import { createFlow, openFlow } from './state/flow-actions.ts';
import { startValidationSync } from './state/validation-sync.ts';

export function App() {
  const open = useStore(editorStore, (state) => state.meta !== null);
  const signInRequired = useStore(connectivityStore, (state) => state.signInRequired);
  const [creating, setCreating] = useState(false);
  const [help, setHelp] = useState(false);
  const [connections, setConnections] = useState(false);
  const [audit, setAudit] = useState(false);
  const [started, setStarted] = useState(false);
  const toggleHelp = useCallback(() => setHelp((shown) => !shown), []);
  const onBack = useCallback(() => void reconnect(), []);
  useShortcuts(toggleHelp);
  useUnsavedGuard();

  useEffect(() => {
    const stops = [startValidationSync(), startDraftAutosave()];
    void bootstrap().finally(() => setStarted(true));
    const onHashChange = () => {
      const id = flowIdFromHash();
      if (id && id !== editorStore.getState().meta?.id) void openFlow(id);
    };
    window.addEventListener('hashchange', onHashChange);
    return () => {
      for (const stop of stops) stop();
      window.removeEventListener('hashchange', onHashChange);
    };
  }, []);

  return (
    <div className="app" data-testid="app" data-started={started}>
      <TopBar
        onNewFlow={() => setCreating(true)}
        onHelp={toggleHelp}
        onConnections={() => setConnections(true)}
        onAudit={() => setAudit(true)}
      />
      <OfflineBanner onBack={onBack} />
      <Notices />
      <main className="workspace">
        <Palette />
        {open ? (
          <FlowCanvas />
        ) : (
          <div className="empty-state" data-testid="empty-state">
            <p>No flow is open.</p>
            <button type="button" className="primary" onClick={() => setCreating(true)}>
              Create a flow
            </button>
          </div>
        )}
        <SidePanel />
      </main>
      {connections ? <ConnectionsPage onClose={() => setConnections(false)} /> : null}
      {audit ? <AuditPage onClose={() => setAudit(false)} /> : null}
      <ConfirmDialog />
      {creating ? (
        <NewFlowDialog
          onClose={() => setCreating(false)}
          onCreate={(id, name) => {
            setCreating(false);
            void createFlow(id, name);
          }}
        />
      ) : null}
      {help ? <ShortcutsHelp onClose={toggleHelp} /> : null}
      {signInRequired ? <SignIn onSignedIn={() => void bootstrap()} /> : null}
    </div>
  );
}
