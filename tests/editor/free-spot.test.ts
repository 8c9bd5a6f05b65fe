import { describe, expect, it } from 'vitest';
import { freeSpotNear } from '../../editor/src/flow/free-spot.ts';

const SIZE = { width: 210, height: 150 };

describe('freeSpotNear', () => {
  it('takes the centre of an empty canvas', () => {
    expect(freeSpotNear({ x: 500, y: 300 }, SIZE, [])).toEqual({ x: 395, y: 225 });
  });

  it('puts each new node beside the earlier ones, never on top of one', () => {
    const placed: { x: number; y: number; width: number; height: number }[] = [];
    for (let i = 0; i < 9; i++) placed.push({ ...freeSpotNear({ x: 500, y: 300 }, SIZE, placed), ...SIZE });
    for (const [i, a] of placed.entries()) {
      for (const b of placed.slice(i + 1)) {
        const apart =
          a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${JSON.stringify(a)} and ${JSON.stringify(b)}`).toBe(true);
      }
    }
    // The second goes beside the first (same row), not below it.
    expect(placed[1]!.y).toBe(placed[0]!.y);
  });

  it('steps around a node the user already put at the centre', () => {
    const spot = freeSpotNear({ x: 0, y: 0 }, SIZE, [{ x: -50, y: -50, width: 100, height: 100 }]);
    expect(spot.x + SIZE.width <= -50 || spot.x >= 50 || spot.y + SIZE.height <= -50 || spot.y >= 50).toBe(
      true,
    );
  });
});
