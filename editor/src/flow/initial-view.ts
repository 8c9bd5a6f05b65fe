// Where the view starts when a flow opens or is laid out. Fitting every node can shrink a pipeline
// until its text is unreadable (about 5 px for the NL2SQL example on a laptop screen), so the view
// starts at READABLE_ZOOM: a flow that fits is centred, a larger one shows its first nodes (the
// trigger end, top left) and the rest is a pan, the minimap or the Fit button away.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** The zoom at which the smallest node text (11 px, canvas.css) is drawn at 11 px. */
export const READABLE_ZOOM = 1;
/** Screen pixels kept free around the nodes (the zoom controls sit in the bottom-left corner). */
export const VIEW_PADDING = 56;

export function initialViewport(bounds: Rect, canvas: { width: number; height: number }): Viewport {
  const room = { width: canvas.width - 2 * VIEW_PADDING, height: canvas.height - 2 * VIEW_PADDING };
  const zoom = READABLE_ZOOM;
  const centre = (screen: number, start: number, size: number) => (screen - size * zoom) / 2 - start * zoom;
  const fitsAcross = bounds.width * zoom <= room.width;
  const fitsDown = bounds.height * zoom <= room.height;
  return {
    zoom,
    x: fitsAcross ? centre(canvas.width, bounds.x, bounds.width) : VIEW_PADDING - bounds.x * zoom,
    y: fitsDown ? centre(canvas.height, bounds.y, bounds.height) : VIEW_PADDING - bounds.y * zoom,
  };
}
