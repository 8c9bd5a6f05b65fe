// Picks the tables for the prompt from ranked candidates: best first, up to `maxTables`, and
// with the tables on the foreign-key path between two chosen tables (a question about customers
// and products needs orders and order_items to join them, though it names neither).
import type { TableSchema } from './warehouse-schema.ts';

/** Undirected: table -> tables it references or is referenced by. */
export type JoinGraph = ReadonlyMap<string, ReadonlySet<string>>;

export interface ScoredTable {
  name: string;
  score: number;
  reasons: string[];
}

/** At most this many tables are added to connect one candidate to the chosen ones. */
const MAX_BRIDGES = 3;

export function buildJoinGraph(tables: readonly TableSchema[]): JoinGraph {
  const canonical = new Map(tables.map((table) => [table.name.toLowerCase(), table.name]));
  const graph = new Map<string, Set<string>>(tables.map((table) => [table.name, new Set<string>()]));
  for (const table of tables) {
    for (const key of table.foreignKeys) {
      const target = canonical.get(key.refTable.toLowerCase());
      if (target === undefined || target === table.name) continue;
      graph.get(table.name)?.add(target);
      graph.get(target)?.add(table.name);
    }
  }
  return graph;
}

/**
 * The tables strictly between `from` and the nearest of `targets` on a shortest FK path; [] when
 * they are neighbours; undefined when no target is within MAX_BRIDGES intermediate tables.
 */
export function findBridge(
  graph: JoinGraph,
  from: string,
  targets: ReadonlySet<string>,
): string[] | undefined {
  const parent = new Map<string, string>([[from, from]]);
  let frontier = [from];
  for (let depth = 0; depth <= MAX_BRIDGES && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const table of frontier) {
      for (const neighbour of graph.get(table) ?? []) {
        if (parent.has(neighbour)) continue;
        parent.set(neighbour, table);
        if (targets.has(neighbour)) return pathBetween(parent, from, table);
        next.push(neighbour);
      }
    }
    frontier = next;
  }
  return undefined;
}

/** Tables from `last` back to (not including) `from`, in path order from `from`. */
function pathBetween(parent: ReadonlyMap<string, string>, from: string, last: string): string[] {
  const path: string[] = [];
  for (let table = last; table !== from; table = parent.get(table) ?? from) path.unshift(table);
  return path;
}

/** Greedy: each candidate in rank order joins with its bridge tables if they all fit under the cap. */
export function selectTables(
  ranked: readonly ScoredTable[],
  graph: JoinGraph,
  maxTables: number,
): ScoredTable[] {
  const byName = new Map(ranked.map((table) => [table.name, table]));
  const chosen = new Map<string, ScoredTable>();
  for (const candidate of ranked) {
    if (chosen.size >= maxTables) break;
    if (chosen.has(candidate.name)) continue;
    const bridge = chosen.size === 0 ? [] : (findBridge(graph, candidate.name, new Set(chosen.keys())) ?? []);
    if (chosen.size + 1 + bridge.length > maxTables) continue;
    chosen.set(candidate.name, candidate);
    for (const name of bridge) {
      const own = byName.get(name);
      chosen.set(name, {
        name,
        score: own?.score ?? 0,
        reasons: [...(own?.reasons ?? []), `bridge: joins ${candidate.name} to the chosen tables`],
      });
    }
  }
  return [...chosen.values()];
}
