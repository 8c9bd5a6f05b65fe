// The flow's saved versions, newest first. Pick one to see what differs from the editor, and
// restore it (the restore is an undoable edit; saving makes it the newest version).
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { FlowVersion, VersionSummary } from '../api/api-types.ts';
import { getVersion, listVersions } from '../api/flows-api.ts';
import { describeError } from '../api/http-client.ts';
import { diffFlows } from '../flow/diff-flows.ts';
import { editorStore, selectDraft } from '../state/editor-store.ts';
import { restoreVersion } from '../state/flow-actions.ts';
import { FlowDiffView } from './flow-diff-view.tsx';

export function VersionsPanel() {
  const flowId = useStore(editorStore, (state) => state.meta?.id);
  const serverVersion = useStore(editorStore, (state) => state.serverVersion);
  const draft = useStore(editorStore, selectDraft);
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [picked, setPicked] = useState<FlowVersion | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setPicked(null);
    if (!flowId || serverVersion === null) return setVersions([]);
    listVersions(flowId)
      .then((list) => {
        setVersions(list);
        setError(null);
      })
      .catch((failure: unknown) => setError(describeError(failure)));
  }, [flowId, serverVersion]);

  if (!flowId) return <p className="muted">Open a flow to see its versions.</p>;
  if (serverVersion === null)
    return <p className="muted">Not published yet: publishing creates a version.</p>;

  const pick = async (version: number) => {
    try {
      setPicked(await getVersion(flowId, version));
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  return (
    <div className="versions-panel" data-testid="versions-panel">
      {error ? <p className="field-issue">{error}</p> : null}
      <ol className="versions">
        {versions.map((version) => (
          <li key={version.version} className={picked?.version === version.version ? 'current' : ''}>
            <button
              type="button"
              className="link"
              onClick={() => pick(version.version)}
              data-testid={`version-${version.version}`}
            >
              Version {version.version}
              {version.version === serverVersion
                ? ' (published)'
                : version.publication
                  ? ''
                  : ' (tried, not published)'}
            </button>
            <span className="muted">
              {' '}
              {new Date(version.publication?.at ?? version.createdAt).toLocaleString()}
            </span>
            {version.publication?.note ? (
              <span className="version-note" data-testid={`version-note-${version.version}`}>
                {' '}
                {version.publication.note}
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      {picked && draft ? (
        <section className="version-detail">
          <FlowDiffView
            diff={diffFlows(picked.document, draft)}
            fromLabel={`version ${picked.version}`}
            toLabel="the editor"
          />
          <button
            type="button"
            className="primary"
            onClick={() => restoreVersion(picked.version)}
            data-testid="restore-version"
          >
            Restore version {picked.version}
          </button>
        </section>
      ) : null}
    </div>
  );
}
