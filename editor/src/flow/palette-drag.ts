// The drag-and-drop contract between the palette and the canvas.
export const PALETTE_DRAG_TYPE = 'application/x-r1flow-node-type';
