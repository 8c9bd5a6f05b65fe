// The server's named connections: adds them (checked per kind, the URL sealed with the server's
// key), lists them without their URLs, tests and removes them, and resolves names for nodes
// (`HostSettings.connection`). The URL leaves this module only through `lookup`, to node code.
import {
  type ConnectionKind,
  type ConnectionLookup,
  connectionNotFound,
  type ResolvedConnection,
} from '../../engine/connections.ts';
import { R1flowError } from '../../engine/errors.ts';
import type { Lookup } from '../../engine/host-settings.ts';
import type {
  ConnectionRecords,
  ConnectionTestResult,
  StoredConnection,
} from '../../engine/store/connection-records.ts';
import { DATA_DIR_ENV, resolveInDataDir } from '../../nodes/warehouse/data-dir.ts';
import { openSecret, sealSecret } from '../auth/secret-box.ts';
import { checkConnectionName, parseConnectionAddress } from './connection-address.ts';
import { probeConnection } from './probe-connection.ts';

/** What listings show: never the URL. */
export interface ConnectionView {
  name: string;
  kind: ConnectionKind;
  /** The address without password or query. */
  address: string;
  createdAt: number;
  updatedAt: number;
  lastTest: ConnectionTestResult | null;
}

export interface AddConnection {
  name: string;
  url: string;
  /** Inferred from the URL when absent. */
  kind?: string | undefined;
  /** Replace a connection of the same name instead of refusing. */
  replace?: boolean | undefined;
}

/** Checks (and may rewrite) the file of a sqlite or duckdb connection; throws to refuse it. */
export type ConnectionFileCheck = (name: string, path: string) => string;

export interface ConnectionsOptions {
  /** How long a resolved connection is reused before the store is read again. Default 5000 ms. */
  cacheMs?: number;
  /** Relative file paths of sqlite/duckdb connections resolve against it. Default the working folder. */
  baseDir?: string;
  probeTimeoutMs?: number;
  /** Where file connections may point; anywhere when absent (the CLI's operator owns the host). */
  checkFile?: ConnectionFileCheck;
}

export class Connections {
  readonly #records: ConnectionRecords;
  readonly #key: () => Buffer;
  readonly #options: ConnectionsOptions;
  readonly #cache = new Map<string, { connection: ResolvedConnection; until: number }>();

  /** `key` is asked for on first use, so a host that never touches a connection never loads it. */
  constructor(records: ConnectionRecords, key: () => Buffer, options: ConnectionsOptions = {}) {
    this.#records = records;
    this.#key = once(key);
    this.#options = options;
  }

  async add(request: AddConnection): Promise<ConnectionView> {
    checkConnectionName(request.name);
    const address = parseConnectionAddress(request.name, request.url, request.kind, this.#options.baseDir);
    const { checkFile } = this.#options;
    if (checkFile && (address.kind === 'sqlite' || address.kind === 'duckdb')) {
      address.url = checkFile(request.name, address.url);
      address.display = address.url;
    }
    const stored = await this.#records.put(
      {
        name: request.name,
        kind: address.kind,
        urlSealed: sealSecret(this.#key(), address.url),
        display: address.display,
      },
      Date.now(),
      { replace: request.replace === true },
    );
    if (!stored) {
      throw new R1flowError(
        'CONNECTION_EXISTS',
        `connection "${request.name}" exists; remove it first or replace it (--replace, or "replace": true)`,
        { data: { connection: request.name } },
      );
    }
    this.#cache.delete(request.name);
    return this.#view(request.name);
  }

  async list(): Promise<ConnectionView[]> {
    return (await this.#records.list()).map(toView);
  }

  async get(name: string): Promise<ConnectionView> {
    return this.#view(name);
  }

  async remove(name: string): Promise<void> {
    this.#cache.delete(name);
    if (!(await this.#records.remove(name))) throw connectionNotFound(name);
  }

  /** Tries the connection and remembers the outcome; a failure is a result, not an error. */
  async test(name: string): Promise<ConnectionView & { lastTest: ConnectionTestResult }> {
    const connection = await this.#resolve(name);
    const probe = await probeConnection(connection, this.#options.probeTimeoutMs);
    const result: ConnectionTestResult = { at: Date.now(), ...probe };
    await this.#records.recordTest(name, result);
    return { ...(await this.#view(name)), lastTest: result };
  }

  /** For `HostSettings.connection`: the name resolved with its URL, cached briefly. */
  readonly lookup: ConnectionLookup = async (name) => {
    const cached = this.#cache.get(name);
    if (cached && cached.until > Date.now()) return cached.connection;
    const connection = await this.#resolve(name);
    this.#cache.set(name, { connection, until: Date.now() + (this.#options.cacheMs ?? 5000) });
    return connection;
  };

  async #resolve(name: string): Promise<ResolvedConnection> {
    const stored = await this.#records.get(name);
    if (!stored) throw connectionNotFound(name);
    return { name, kind: stored.kind, url: this.#open(stored) };
  }

  #open(stored: StoredConnection): string {
    try {
      return openSecret(this.#key(), stored.urlSealed);
    } catch {
      throw new R1flowError(
        'CONNECTION_UNREADABLE',
        `connection "${stored.name}" was sealed with another key: use the R1FLOW_SECRET_KEY (or the secret.key beside the store) it was added with, or add it again`,
        { data: { connection: stored.name } },
      );
    }
  }

  async #view(name: string): Promise<ConnectionView> {
    const stored = await this.#records.get(name);
    if (!stored) throw connectionNotFound(name);
    return toView(stored);
  }
}

function toView(stored: StoredConnection): ConnectionView {
  return {
    name: stored.name,
    kind: stored.kind,
    address: stored.display,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
    lastTest: stored.lastTest,
  };
}

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/**
 * The same rule as flow params (nodes/warehouse/data-dir.ts): a file connection added through the
 * API lies inside the data directory and is not the store or its key, so an API caller cannot reach
 * other files by naming them in a connection.
 */
export function filesInDataDir(setting: Lookup): ConnectionFileCheck {
  return (name, path) => {
    try {
      return resolveInDataDir('url', path, 'read', setting);
    } catch (error) {
      if (!(error instanceof R1flowError) || error.code !== 'PATH_OUTSIDE_DATA_DIR') throw error;
      throw new R1flowError(
        'CONNECTION_INVALID',
        `connection "${name}" names ${path}, which r1flow may not open: only files in the data directory ${String(error.data?.dataDir)} (not the store or its key); add other files with \`r1flow connections add\` on the server's host, or set ${DATA_DIR_ENV}`,
        { data: { connection: name } },
      );
    }
  };
}
