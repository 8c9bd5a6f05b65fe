// ELK in a Web Worker, so laying out a large flow never freezes the page. The worker starts with
// the editor and lays out a small graph straight away: loading ELK (1.6 MB of compiled Java) and
// warming its JIT is then done before the first real layout, which would otherwise pay for both.
import ELK from 'elkjs/lib/elk-api.js';
import workerUrl from 'elkjs/lib/elk-worker.min.js?url';
import { type LayoutEngine, layoutFlow } from './layout-flow.ts';

let engine: LayoutEngine | undefined;

export function workerLayoutEngine(): LayoutEngine {
  engine ??= new (ELK as unknown as new (args: { workerUrl: string }) => LayoutEngine)({ workerUrl });
  return engine;
}

/** Starts the worker and runs a throwaway layout of a small pipeline with ports. */
export function warmUpLayout(): void {
  const nodes = Array.from({ length: 8 }, (_, i) => ({
    id: `n${i}`,
    width: 210,
    height: 120,
    inputs: ['a', 'b'],
    outputs: ['x', 'y'],
  }));
  const edges = nodes.slice(1).map((node, i) => ({
    source: `n${Math.floor(i / 2)}`,
    target: node.id,
    sourcePort: i % 2 === 0 ? 'x' : 'y',
    targetPort: 'a',
  }));
  void layoutFlow(nodes, edges, workerLayoutEngine()).catch(() => undefined);
}
