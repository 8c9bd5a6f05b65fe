import { describe, expect, it } from 'vitest';
import { initialViewport, READABLE_ZOOM, VIEW_PADDING } from '../../editor/src/flow/initial-view.ts';

describe('initialViewport', () => {
  it('centres a flow that fits, at the readable zoom', () => {
    const view = initialViewport({ x: 0, y: 0, width: 400, height: 200 }, { width: 800, height: 600 });
    expect(view).toEqual({ zoom: READABLE_ZOOM, x: 200, y: 200 });
  });

  it('shows the first nodes of a wide flow instead of shrinking it below the readable zoom', () => {
    const view = initialViewport({ x: 100, y: -40, width: 2400, height: 300 }, { width: 630, height: 670 });
    expect(view.zoom).toBe(READABLE_ZOOM);
    // Its left edge (the trigger end) sits at the padding; vertically it is centred.
    expect(view.x + 100 * view.zoom).toBe(VIEW_PADDING);
    expect(view.y + (-40 + 150) * view.zoom).toBe(335);
  });
});
