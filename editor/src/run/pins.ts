// The open flow's pinned node outputs: which nodes have one (the canvas badges them, runs started
// here take them instead of running those nodes), pinning a node's output from the shown run and
// unpinning it.
import { createStore } from 'zustand/vanilla';
import { describeError } from '../api/http-client.ts';
import { listPins, type PinRecord, pinOutput, unpinOutput } from '../api/pins-api.ts';
import { notify } from '../state/notices-store.ts';

export interface PinsState {
  flowId: string | null;
  /** By node id. */
  pins: Readonly<Record<string, PinRecord>>;
}

export const pinsStore = createStore<PinsState>()(() => ({ flowId: null, pins: {} }));

export async function loadPins(flowId: string): Promise<void> {
  try {
    const pins = await listPins(flowId);
    pinsStore.setState({ flowId, pins: Object.fromEntries(pins.map((pin) => [pin.nodeId, pin])) });
  } catch {
    // pins are a convenience; the banner reports an unreachable server
    pinsStore.setState({ flowId, pins: {} });
  }
}

export async function pinNodeOutput(flowId: string, nodeId: string, runId: string): Promise<void> {
  try {
    const pin = await pinOutput(flowId, nodeId, runId);
    pinsStore.setState((state) =>
      state.flowId === flowId ? { pins: { ...state.pins, [nodeId]: pin } } : state,
    );
    notify(
      'info',
      `Pinned ${nodeId}'s output: runs started here use it instead of running ${nodeId}.`,
      'pin',
    );
  } catch (error) {
    notify('error', `Could not pin ${nodeId}: ${describeError(error)}`, 'pin');
  }
}

export async function unpinNode(flowId: string, nodeId: string): Promise<void> {
  try {
    await unpinOutput(flowId, nodeId);
  } catch (error) {
    notify('error', `Could not unpin ${nodeId}: ${describeError(error)}`, 'pin');
    return;
  }
  pinsStore.setState((state) => {
    if (state.flowId !== flowId) return state;
    const { [nodeId]: _removed, ...rest } = state.pins;
    return { pins: rest };
  });
}
