// The Audit page: the server's audit log, newest first, filtered by kind, outcome, actor, run and
// time, with older pages on demand and the same filter as a CSV download. SQL entries show the
// statement a node ran; the other entries what an API key (or the CLI) changed.
import { useCallback, useEffect, useState } from 'react';
import { AUDIT_KINDS, AUDIT_OUTCOMES, type AuditEntry } from '../../../engine/store/audit-records.ts';
import { type AuditQuery, auditCsvUrl, listAudit } from '../api/audit-api.ts';
import { describeError } from '../api/http-client.ts';

export function AuditPage({ onClose }: { onClose(): void }) {
  const [query, setQuery] = useState<AuditQuery>({});
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (filter: AuditQuery, before?: number) => {
    try {
      const page = await listAudit(filter, before);
      setEntries((shown) => (before === undefined ? page.entries : [...(shown ?? []), ...page.entries]));
      setNextBefore(page.nextBefore);
      setError(null);
    } catch (failure) {
      setError(describeError(failure));
    }
  }, []);

  useEffect(() => {
    void load(query);
  }, [load, query]);

  const set = (name: keyof AuditQuery) => (event: { target: { value: string } }) =>
    setQuery((current) => ({ ...current, [name]: event.target.value }));

  return (
    <div className="page-backdrop">
      <section className="connections-page audit-page" aria-labelledby="audit-title" data-testid="audit-page">
        <header className="section-head">
          <h2 id="audit-title">Audit log</h2>
          <div className="connection-actions">
            <a className="button" href={auditCsvUrl(query)} download data-testid="audit-csv">
              Download CSV
            </a>
            <button type="button" onClick={onClose} data-testid="audit-close">
              Close
            </button>
          </div>
        </header>
        <p className="muted">
          Every SQL statement the flows ran and every change to flows, triggers, users, keys and connections.
          Entries cannot be changed; they are removed only after the retention period.
        </p>
        <div className="audit-filters" data-testid="audit-filters">
          <label>
            Kind
            <select value={query.kind ?? ''} onChange={set('kind')} data-testid="audit-kind">
              <option value="">any</option>
              {AUDIT_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {kind}
                </option>
              ))}
            </select>
          </label>
          <label>
            Outcome
            <select value={query.outcome ?? ''} onChange={set('outcome')} data-testid="audit-outcome">
              <option value="">any</option>
              {AUDIT_OUTCOMES.map((outcome) => (
                <option key={outcome} value={outcome}>
                  {outcome}
                </option>
              ))}
            </select>
          </label>
          <label>
            Actor id
            <input
              value={query.actor ?? ''}
              onChange={set('actor')}
              placeholder="key_…"
              data-testid="audit-actor"
            />
          </label>
          <label>
            Run
            <input value={query.run ?? ''} onChange={set('run')} placeholder="r…" data-testid="audit-run" />
          </label>
          <label>
            Since
            <input type="date" value={query.since ?? ''} onChange={set('since')} data-testid="audit-since" />
          </label>
          <label>
            Until
            <input type="date" value={query.until ?? ''} onChange={set('until')} data-testid="audit-until" />
          </label>
        </div>
        {error ? (
          <p className="field-issue" role="alert" data-testid="audit-error">
            {error}
          </p>
        ) : null}
        {entries === null ? <p className="muted">Loading…</p> : null}
        {entries?.length === 0 ? (
          <p className="muted" data-testid="audit-empty">
            No entries match.
          </p>
        ) : null}
        {entries && entries.length > 0 ? (
          <table className="connections-table audit-table" data-testid="audit-table">
            <thead>
              <tr>
                <th>When</th>
                <th>Kind</th>
                <th>Actor</th>
                <th>Outcome</th>
                <th>What</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <AuditRow key={entry.seq} entry={entry} />
              ))}
            </tbody>
          </table>
        ) : null}
        {nextBefore !== null ? (
          <button type="button" onClick={() => void load(query, nextBefore)} data-testid="audit-more">
            Older entries
          </button>
        ) : null}
      </section>
    </div>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const actor = entry.actor ? `${entry.actor.name} (${entry.actor.kind})` : entry.runId ? 'the run' : '—';
  return (
    <tr data-testid="audit-entry" data-kind={entry.kind} data-outcome={entry.outcome}>
      <td title={new Date(entry.at).toISOString()}>{new Date(entry.at).toLocaleString()}</td>
      <td>{entry.kind}</td>
      <td>{actor}</td>
      <td className={entry.outcome === 'ok' ? 'test-ok' : 'test-failed'}>{entry.outcome}</td>
      <td>
        {entry.sql ? (
          <>
            <div className="muted">
              run {entry.runId} · {entry.nodeId} · candidates {entry.sql.candidates.join(', ')} ·{' '}
              {entry.sql.warehouse} · {Math.round(entry.sql.durationMs)} ms
              {entry.sql.rows === null ? '' : ` · ${entry.sql.rows} rows`}
            </div>
            <code className="audit-sql">{entry.sql.sql}</code>
          </>
        ) : (
          <span>{entry.target ?? ''}</span>
        )}
        {entry.reason ? <div className="test-failed">{entry.reason}</div> : null}
      </td>
    </tr>
  );
}
