// Keeps this process's claim on the runs it drives: renews the lease of exactly those runs (never
// every run stored under this owner, so a run dropped from memory lapses and another process can
// resume it), reports runs someone asked to cancel and runs another process took over, and then
// lets the orchestrator look for orphans. A failed renewal gives up nothing: the runs stay in
// memory and keep going, and once the store answers again the next renewal (or the fencing of a
// commit, when the outage outlasted the lease and another process claimed them) decides.
import type { Logger } from '../define-node.ts';
import type { Store } from '../store/store.ts';

export interface LeaseKeeperOptions {
  store: Store;
  owner: string;
  leaseMs: number;
  everyMs: number;
  logger: Logger;
  /** The runs this process drives right now. */
  activeRunIds(): string[];
  onCancelRequested(runId: string): void;
  /** Runs this process no longer owns: stop driving them. */
  onLost(runIds: string[]): void;
  /** Runs after each renewal (orphan adoption). */
  afterRenew(): Promise<void>;
}

export class LeaseKeeper {
  readonly #options: LeaseKeeperOptions;
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  /** Whether the last renewal failed: an outage is logged when it starts and when it ends, not every beat. */
  #failing = false;

  constructor(options: LeaseKeeperOptions) {
    this.#options = options;
  }

  start(): void {
    this.#timer = setInterval(() => void this.renew(), this.#options.everyMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async renew(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    const o = this.#options;
    try {
      const { cancelRequested, lost } = await o.store.renewLeases(
        o.owner,
        Date.now() + o.leaseMs,
        o.activeRunIds(),
      );
      if (lost.length > 0) o.onLost(lost);
      for (const runId of cancelRequested) o.onCancelRequested(runId);
      await o.afterRenew();
      if (this.#failing) o.logger.info('lease maintenance works again');
      this.#failing = false;
    } catch (error) {
      if (!this.#failing) o.logger.error('lease maintenance failed', { error: (error as Error).message });
      this.#failing = true;
    } finally {
      this.#busy = false;
    }
  }
}
