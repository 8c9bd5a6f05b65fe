// Where a node added by clicking the palette goes: the free spot nearest the centre of the view,
// so clicking several node types in a row lays them side by side instead of on one pile.
import type { Rect } from './initial-view.ts';

/** Space kept between a new node and its neighbours, in flow units. */
const GAP = 40;
/** A new node grows downward once checked: its problems ("needs its input … connected") show under it. */
const GROWTH = 80;
/** Rings of candidate spots searched around the centre before giving up and using the centre. */
const MAX_RINGS = 12;

export function freeSpotNear(
  centre: { x: number; y: number },
  size: { width: number; height: number },
  occupied: readonly Rect[],
): { x: number; y: number } {
  const origin = { x: centre.x - size.width / 2, y: centre.y - size.height / 2 };
  const step = { x: size.width + GAP, y: size.height + GROWTH + GAP };
  for (let ring = 0; ring <= MAX_RINGS; ring++) {
    const spots = ringSpots(ring)
      .map(([dx, dy]) => ({ x: origin.x + dx * step.x, y: origin.y + dy * step.y }))
      .sort((a, b) => distance(a, origin) - distance(b, origin));
    const free = spots.find((spot) => !occupied.some((rect) => overlaps(spot, size, rect)));
    if (free) return free;
  }
  return origin;
}

/** Grid offsets on the square ring `ring` steps from the centre. */
function ringSpots(ring: number): [number, number][] {
  if (ring === 0) return [[0, 0]];
  const spots: [number, number][] = [];
  for (let dx = -ring; dx <= ring; dx++) {
    for (let dy = -ring; dy <= ring; dy++) {
      if (Math.max(Math.abs(dx), Math.abs(dy)) === ring) spots.push([dx, dy]);
    }
  }
  return spots;
}

function overlaps(
  spot: { x: number; y: number },
  size: { width: number; height: number },
  rect: Rect,
): boolean {
  return (
    spot.x < rect.x + rect.width + GAP &&
    spot.x + size.width + GAP > rect.x &&
    spot.y < rect.y + rect.height + GROWTH + GAP &&
    spot.y + size.height + GROWTH + GAP > rect.y
  );
}

/**
 * Vertical steps count double: a flow reads left to right, and a node grows downward once it shows
 * its problems or its run state, so a neighbour beside it stays clear where one below might not.
 */
function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, 2 * (a.y - b.y));
}
