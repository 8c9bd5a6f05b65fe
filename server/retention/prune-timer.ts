// The server's periodic pruning: once at start, then at a fixed interval, one pass at a time (a
// slow pass is not overlapped by the next), failures logged and never thrown.
import type { Logger } from '../../engine/define-node.ts';

export interface PruneTimer {
  stop(): void;
}

export function startPruneTimer(options: {
  /** One pass; resolves when it is done. */
  prune: () => Promise<void>;
  everyMs: number;
  logger: Logger;
  /** Logged with the error's message when a pass fails, e.g. "pruning the audit log failed". */
  failure: string;
}): PruneTimer {
  const { prune, logger, failure } = options;
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      await prune();
    } catch (error) {
      logger.error(failure, { error: (error as Error).message });
    } finally {
      running = false;
    }
  };
  void pass();
  const timer = setInterval(pass, options.everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
