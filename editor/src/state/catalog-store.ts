// The node catalog from GET /api/nodes, indexed by `type@version`. Cached in localStorage so the
// editor can still draw a flow while the server is unreachable.

import { createStore } from 'zustand/vanilla';
import type { CatalogEntry, NodePorts } from '../api/api-types.ts';

export interface CatalogState {
  entries: CatalogEntry[];
  byKey: ReadonlyMap<string, CatalogEntry>;
  /** Declared ports by key, one object per entry so selectors see stable values. */
  ports: ReadonlyMap<string, NodePorts>;
}

const CACHE_KEY = 'r1flow.catalog';

export const catalogStore = createStore<CatalogState>()(() => ({
  entries: [],
  byKey: new Map(),
  ports: new Map(),
}));

function indexCatalog(entries: CatalogEntry[]): CatalogState {
  return {
    entries,
    byKey: new Map(entries.map((entry) => [entry.key, entry])),
    ports: new Map(entries.map((entry) => [entry.key, { inputs: entry.inputs, outputs: entry.outputs }])),
  };
}

export function setCatalog(entries: CatalogEntry[]): void {
  catalogStore.setState(indexCatalog(entries));
  try {
    localStorage.setItem(CACHE_KEY, JSON.stringify(entries));
  } catch {
    // storage full or disabled: the cache is a convenience
  }
}

/** The catalog this browser saw last, for working offline. */
export function restoreCachedCatalog(): boolean {
  const cached = localStorage.getItem(CACHE_KEY);
  if (!cached) return false;
  try {
    const entries = JSON.parse(cached) as CatalogEntry[];
    catalogStore.setState(indexCatalog(entries));
    return entries.length > 0;
  } catch {
    return false;
  }
}

export function catalogPortsOf(type: string): NodePorts | undefined {
  return catalogStore.getState().ports.get(type);
}
