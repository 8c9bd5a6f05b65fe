// Charges model calls to the node attempts that made them (`ctx.cost`). A call shared by a batch
// of runs is split among them: its tokens by each run's share of the text (prompt characters for
// prompt tokens, sample characters for generated ones), so the parts add up to the server's usage;
// its wait goes to every run in full, since each of them waited that long.
import type { NodeContext } from '../../engine/define-node.ts';
import type { TokenUsage } from '../../engine/model-client.ts';
import { splitByShare } from '../../engine/node-cost.ts';

/** Starts a model call's clock; the returned function reads it in whole ms. */
export function modelClock(): () => number {
  const started = performance.now();
  return () => Math.round(performance.now() - started);
}

export function chargeModelCall(ctx: NodeContext, usage: TokenUsage | undefined, modelMs: number): void {
  ctx.cost({
    tokensIn: usage?.promptTokens ?? 0,
    tokensOut: usage?.completionTokens ?? 0,
    modelMs,
  });
}

export interface BatchShare {
  ctx: NodeContext;
  /** Characters of this run's prompt. */
  promptChars: number;
  /** Characters of this run's samples. */
  sampleChars: number;
}

export function chargeSharedModelCall(
  shares: readonly BatchShare[],
  usage: TokenUsage | undefined,
  modelMs: number,
): void {
  const tokensIn = splitByShare(
    usage?.promptTokens ?? 0,
    shares.map((share) => share.promptChars),
  );
  const tokensOut = splitByShare(
    usage?.completionTokens ?? 0,
    shares.map((share) => share.sampleChars),
  );
  shares.forEach(({ ctx }, i) => {
    ctx.cost({ tokensIn: tokensIn[i]!, tokensOut: tokensOut[i]!, modelMs });
  });
}
