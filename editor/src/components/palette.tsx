// The node types from the catalog, grouped by family and searchable. Drag one onto the canvas, or
// click it to place it in the free space nearest the middle of the view.
import { useReactFlow } from '@xyflow/react';
import { type DragEvent, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { CatalogEntry } from '../api/api-types.ts';
import { freeSpotNear } from '../flow/free-spot.ts';
import { estimatedNodeSize } from '../flow/layout-draft.ts';
import { PALETTE_DRAG_TYPE } from '../flow/palette-drag.ts';
import { catalogPortsOf, catalogStore } from '../state/catalog-store.ts';
import { addNode } from '../state/editor-edits.ts';
import { editorStore } from '../state/editor-store.ts';
import { useFlowRights } from '../state/session-store.ts';

const FAMILY_ORDER = ['trigger', 'schema', 'llm', 'sql', 'warehouse', 'control', 'http', 'output'];

export function Palette() {
  const entries = useStore(catalogStore, (state) => state.entries);
  const flowOpen = useStore(editorStore, (state) => state.meta !== null);
  const { canEdit } = useFlowRights();
  const [query, setQuery] = useState('');
  const { screenToFlowPosition } = useReactFlow();
  const groups = useMemo(() => groupByFamily(filterEntries(entries, query)), [entries, query]);

  const onDragStart = (event: DragEvent, key: string) => {
    event.dataTransfer.setData(PALETTE_DRAG_TYPE, key);
    event.dataTransfer.effectAllowed = 'move';
  };
  const addNearCentre = (key: string) => {
    const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    if (!canvas) return;
    const centre = screenToFlowPosition({
      x: canvas.left + canvas.width / 2,
      y: canvas.top + canvas.height / 2,
    });
    const size = estimatedNodeSize(catalogPortsOf(key));
    const occupied = editorStore.getState().nodes.map((node) => ({
      ...node.position,
      width: node.measured?.width ?? size.width,
      height: node.measured?.height ?? size.height,
    }));
    addNode(key, freeSpotNear(centre, size, occupied));
  };

  return (
    <aside className="palette" data-testid="palette">
      <input
        type="search"
        className="palette-search"
        placeholder="Search nodes"
        aria-label="Search nodes"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        data-testid="palette-search"
      />
      {groups.length === 0 ? <p className="muted">No node type matches “{query}”.</p> : null}
      {groups.map(([family, items]) => (
        <section key={family} className="palette-group">
          <h3>{family}</h3>
          {items.map((entry) => (
            <button
              type="button"
              key={entry.key}
              className={`palette-item family-${entry.family}`}
              draggable={flowOpen && canEdit}
              disabled={!flowOpen || !canEdit}
              onDragStart={(event) => onDragStart(event, entry.key)}
              onClick={() => addNearCentre(entry.key)}
              title={`${entry.description}\nDrag onto the canvas, or click to add.`}
              data-testid={`palette-item-${entry.key}`}
            >
              <span className="palette-title">{entry.title}</span>
              <span className="palette-key">{entry.key}</span>
            </button>
          ))}
        </section>
      ))}
    </aside>
  );
}

function filterEntries(entries: readonly CatalogEntry[], query: string): CatalogEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...entries];
  return entries.filter((entry) => {
    const text = `${entry.title} ${entry.key} ${entry.family} ${entry.description}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

function groupByFamily(entries: readonly CatalogEntry[]): [string, CatalogEntry[]][] {
  const groups = new Map<string, CatalogEntry[]>();
  for (const entry of entries) groups.set(entry.family, [...(groups.get(entry.family) ?? []), entry]);
  const rank = (family: string) => {
    const index = FAMILY_ORDER.indexOf(family);
    return index === -1 ? FAMILY_ORDER.length : index;
  };
  return [...groups].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}
