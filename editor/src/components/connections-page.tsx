// The Connections page: the server's named connections (warehouses, model servers, Milvus) that
// nodes refer to by name. A URL is typed once into a password field and never shown again; the
// list shows each address without its password and the outcome of its last test.
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { CONNECTION_KINDS } from '../../../engine/connections.ts';
import type { ConnectionKind, ConnectionView } from '../api/api-types.ts';
import { addConnection, listConnections, removeConnection, testConnection } from '../api/connections-api.ts';
import { describeError } from '../api/http-client.ts';
import { FieldShell } from '../forms/field-shell.tsx';
import { askConfirm } from '../state/confirm-store.ts';
import { notify } from '../state/notices-store.ts';

export function ConnectionsPage({ onClose }: { onClose(): void }) {
  const [connections, setConnections] = useState<ConnectionView[] | null>(null);
  const [testing, setTesting] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setConnections(await listConnections());
    } catch (error) {
      notify('error', `Could not load connections: ${describeError(error)}`, 'connections');
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const test = async (name: string) => {
    setTesting(name);
    try {
      const tested = await testConnection(name);
      setConnections((list) => list?.map((c) => (c.name === name ? tested : c)) ?? null);
    } catch (error) {
      notify('error', `Could not test ${name}: ${describeError(error)}`, 'connections');
    } finally {
      setTesting(null);
    }
  };
  const remove = async (name: string) => {
    const confirmed = await askConfirm(
      'Delete connection',
      `Delete the connection "${name}"? Flows that name it will fail until it is added again.`,
      'Delete',
    );
    if (!confirmed) return;
    try {
      await removeConnection(name);
      notify('success', `Deleted the connection "${name}".`, 'connections');
    } catch (error) {
      notify('error', `Could not delete ${name}: ${describeError(error)}`, 'connections');
    }
    await load();
  };

  return (
    <div className="page-backdrop">
      <section
        className="connections-page"
        aria-labelledby="connections-title"
        data-testid="connections-page"
      >
        <header className="section-head">
          <h2 id="connections-title">Connections</h2>
          <button type="button" onClick={onClose} data-testid="connections-close">
            Close
          </button>
        </header>
        <p className="muted">
          Nodes name a connection (<code>connection: "sales"</code>); its URL and password stay sealed on the
          server and are never shown again after saving.
        </p>
        {connections === null ? <p className="muted">Loading…</p> : null}
        {connections?.length === 0 ? <p className="muted">No connections yet.</p> : null}
        {connections && connections.length > 0 ? (
          <table className="connections-table" data-testid="connections-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>Address</th>
                <th>Last test</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {connections.map((connection) => (
                <ConnectionRow
                  key={connection.name}
                  connection={connection}
                  testing={testing === connection.name}
                  onTest={() => test(connection.name)}
                  onDelete={() => remove(connection.name)}
                />
              ))}
            </tbody>
          </table>
        ) : null}
        <AddConnectionForm onAdded={load} />
      </section>
    </div>
  );
}

function ConnectionRow({
  connection,
  testing,
  onTest,
  onDelete,
}: {
  connection: ConnectionView;
  testing: boolean;
  onTest(): void;
  onDelete(): void;
}) {
  const test = connection.lastTest;
  return (
    <tr data-testid={`connection-${connection.name}`}>
      <td>{connection.name}</td>
      <td>{connection.kind}</td>
      <td className="connection-address">{connection.address}</td>
      <td data-testid="connection-test-result">
        {testing ? (
          <span className="muted">testing…</span>
        ) : test ? (
          // A failure's message says "failed" itself and names the connection.
          <span className={test.ok ? 'test-ok' : 'test-failed'} title={new Date(test.at).toLocaleString()}>
            {test.ok ? `ok: ${test.message}` : test.message}
          </span>
        ) : (
          <span className="muted">never tested</span>
        )}
      </td>
      <td>
        <div className="connection-actions">
          <button type="button" onClick={onTest} disabled={testing} data-testid="connection-test">
            Test
          </button>
          <button type="button" className="danger" onClick={onDelete} data-testid="connection-delete">
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}

function AddConnectionForm({ onAdded }: { onAdded(): Promise<void> }) {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [kind, setKind] = useState<ConnectionKind | ''>('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await addConnection({ name: name.trim(), url, ...(kind ? { kind } : {}) });
      notify('success', `Added the connection "${name.trim()}".`, 'connections');
      setName('');
      setUrl('');
      setKind('');
      await onAdded();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="connection-form" onSubmit={submit} data-testid="connection-form">
      <h3>Add a connection</h3>
      <FieldShell
        label="Name"
        htmlFor="connection-name"
        required
        help="A letter, then letters, digits, _ or -."
      >
        <input
          id="connection-name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          placeholder="sales"
          autoComplete="off"
          data-testid="connection-name"
        />
      </FieldShell>
      <FieldShell
        label="URL"
        htmlFor="connection-url"
        required
        help="postgres://user:password@host:5432/db, http(s)://host/v1 (model server), a .db/.sqlite or .duckdb path (in the data directory), or a Milvus host:port."
      >
        <input
          id="connection-url"
          type="password"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          autoComplete="off"
          data-testid="connection-url"
        />
      </FieldShell>
      <FieldShell
        label="Kind"
        htmlFor="connection-kind"
        help="Left to the URL when not chosen; Milvus and HTTP endpoints (http) need it."
      >
        <select
          id="connection-kind"
          value={kind}
          onChange={(event) => setKind(event.target.value as ConnectionKind | '')}
          data-testid="connection-kind"
        >
          <option value="">from the URL</option>
          {CONNECTION_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </FieldShell>
      {error ? (
        <p className="field-issue" role="alert" data-testid="connection-form-error">
          {error}
        </p>
      ) : null}
      <div className="modal-actions">
        <button
          type="submit"
          className="primary"
          disabled={saving || !name.trim() || !url}
          data-testid="connection-add"
        >
          Add
        </button>
      </div>
    </form>
  );
}
