// Level of detail: below this zoom a node's text is too small to read, so nodes are drawn as plain
// blocks of their family's colour, which keeps panning a 200-node flow smooth.
import type { ReactFlowState } from '@xyflow/react';

const FAR_ZOOM = 0.35;

export const selectFarZoom = (state: ReactFlowState): boolean => state.transform[2] < FAR_ZOOM;
