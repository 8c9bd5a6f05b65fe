// A node's pinned output: pin what it answered in the shown run, or see and remove its pin (also
// when no run is shown, since the canvas badges pinned nodes all the time).
import { useStore } from 'zustand';
import { pinNodeOutput, pinsStore, unpinNode } from '../run/pins.ts';
import { runStore } from '../run/run-store.ts';
import { editorStore } from '../state/editor-store.ts';

export function PinControls({ nodeId }: { nodeId: string }) {
  const flowId = useStore(editorStore, (state) => state.meta?.id);
  const run = useStore(runStore, (state) => state.run);
  const record = useStore(runStore, (state) => state.details?.nodes.find((n) => n.nodeId === nodeId));
  const pin = useStore(pinsStore, (state) => state.pins[nodeId]);
  if (!flowId) return null;
  const pinnable =
    run !== null &&
    run.flowId === flowId &&
    record?.status === 'succeeded' &&
    !record.pinned &&
    pin?.runId !== run.id;
  if (!pinnable && !pin) return null;
  return (
    <p className="pin-actions">
      {pinnable ? (
        <button
          type="button"
          className="small"
          onClick={() => pinNodeOutput(flowId, nodeId, run.id)}
          data-testid="pin-output"
          title="Runs started here use this output instead of running the node (webhooks and schedules never do)"
        >
          Pin output
        </button>
      ) : null}
      {pin ? (
        <>
          <span className="muted" data-testid="pin-note">
            Output pinned from run {pin.runId.slice(0, 10)}…
          </span>
          <button
            type="button"
            className="small"
            onClick={() => unpinNode(flowId, nodeId)}
            data-testid="unpin-output"
          >
            Unpin
          </button>
        </>
      ) : null}
    </p>
  );
}
