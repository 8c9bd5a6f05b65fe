// Fires schedule triggers in this process (inline mode): one timer per schedule, re-armed after
// each tick and whenever triggers change. After downtime, a schedule's `missedTicks` policy says
// whether the ticks missed since its last fire run once (`catchUpOnce`) or not at all (`skip`).
import type { Logger } from '../../engine/define-node.ts';
import { nextFireTimes } from '../../nodes/trigger/schedule.node.ts';
import type { TriggerRecord } from './trigger-store.ts';

type ScheduleTrigger = Extract<TriggerRecord, { kind: 'schedule' }>;

/** What fires schedules: in-process timers (inline) or BullMQ job schedulers (queue mode). */
export interface ScheduleDriver {
  start(): Promise<void>;
  refresh(): Promise<void>;
  close(): void | Promise<void>;
}

export interface ScheduleRunnerOptions {
  /** Current schedule triggers of enabled flows. */
  list: () => Promise<ScheduleTrigger[]>;
  /** Starts the run of one tick. */
  fire: (trigger: ScheduleTrigger, tickAt: Date) => Promise<void>;
  logger: Logger;
}

// setTimeout cannot wait longer than 2^31-1 ms (~24.8 days); longer waits are re-armed.
const MAX_TIMER_MS = 2_147_000_000;

export class ScheduleRunner implements ScheduleDriver {
  readonly #options: ScheduleRunnerOptions;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #closed = false;

  constructor(options: ScheduleRunnerOptions) {
    this.#options = options;
  }

  /** Arms every schedule; fires missed ticks once where the policy says so. */
  async start(): Promise<void> {
    const now = new Date();
    for (const trigger of await this.#options.list()) {
      if (trigger.config.missedTicks !== 'catchUpOnce' || trigger.lastFireAt === null) continue;
      const [due] = nextFireTimes(trigger.config, new Date(trigger.lastFireAt), 1);
      if (due && due.getTime() <= now.getTime()) {
        this.#options.logger.info('catching up a missed schedule tick', {
          trigger: trigger.id,
          tick: due.toISOString(),
        });
        await this.#fire(trigger, due);
      }
    }
    await this.refresh();
  }

  /** Re-reads the triggers and re-arms the timers (after a flow was saved, deleted or switched). */
  async refresh(): Promise<void> {
    if (this.#closed) return;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    for (const trigger of await this.#options.list()) this.#arm(trigger);
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  #arm(trigger: ScheduleTrigger): void {
    if (this.#closed) return;
    const [next] = nextFireTimes(trigger.config, new Date(), 1);
    if (!next) return;
    const wait = next.getTime() - Date.now();
    const timer = setTimeout(
      () => {
        if (wait > MAX_TIMER_MS) this.#arm(trigger);
        else void this.#fire(trigger, next).finally(() => this.#arm(trigger));
      },
      Math.min(Math.max(0, wait), MAX_TIMER_MS),
    );
    timer.unref();
    this.#timers.set(trigger.id, timer);
  }

  async #fire(trigger: ScheduleTrigger, tickAt: Date): Promise<void> {
    try {
      await this.#options.fire(trigger, tickAt);
    } catch (error) {
      this.#options.logger.error('a scheduled run could not start', {
        trigger: trigger.id,
        error: (error as Error).message,
      });
    }
  }
}
