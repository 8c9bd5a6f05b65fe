// Fires schedule triggers in this process (inline mode): one timer per schedule, re-armed after
// each tick and whenever triggers change. Every server sharing a store arms the same timers; the
// store starts one run per tick (the tick's fire row is claimed with the run). After downtime, a
// schedule's `missedTicks` policy says whether the ticks missed since its last fire run once
// (`catchUpOnce`) or not at all (`skip`); the ticks that start no run are recorded as missed.
// A store outage delays a tick rather than dropping it: firing is retried until the store answers
// (the tick's fire row keeps that to one run) or the tick counts as missed.
import type { Logger } from '../../engine/define-node.ts';
import { retryThroughOutage } from '../../engine/store/store-outage.ts';
import { nextFireTimes } from '../../nodes/trigger/schedule.node.ts';
import { type CancelTimer, type Clock, realClock } from './clock.ts';
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
  /** Starts the run of one tick (`tickAt`: its time by the cron); does nothing when another server did. */
  fire: (trigger: ScheduleTrigger, tickAt: Date) => Promise<void>;
  /** Records a tick that starts no run; true only for the first server to record it. */
  missed: (trigger: ScheduleTrigger, tickAt: Date) => Promise<boolean>;
  logger: Logger;
  /** Time source and timers; the wall clock unless given (tests move a manual one). */
  clock?: Clock;
}

/**
 * A tick this much in the past counts as missed. Until then a server that is still running may
 * yet fire it, so one that starts up leaves it alone (and a queue-mode tick this late is "late").
 */
export const MISSED_AFTER_MS = 60_000;
/** A schedule records at most this many missed ticks at start-up (a 1-second one down for a day missed 86 400). */
const MAX_MISSED_RECORDED = 100;

// setTimeout cannot wait longer than 2^31-1 ms (~24.8 days); longer waits are re-armed.
const MAX_TIMER_MS = 2_147_000_000;

export class ScheduleRunner implements ScheduleDriver {
  readonly #options: ScheduleRunnerOptions;
  readonly #clock: Clock;
  // One slot per armed trigger. A fired timer re-arms only while its slot is still the current
  // one, so a refresh (flow disabled or deleted) during an in-flight fire is not undone by it.
  readonly #timers = new Map<string, { cancel: CancelTimer }>();
  // Bumped by each refresh; a refresh whose listing was overtaken by a newer one arms nothing.
  #generation = 0;
  #closed = false;

  constructor(options: ScheduleRunnerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
  }

  /** Arms every schedule after settling the ticks missed since its last fire, as its policy says. */
  async start(): Promise<void> {
    const now = this.#clock.now();
    for (const trigger of await this.#options.list()) await this.#settleMissed(trigger, now);
    await this.refresh();
  }

  /** `catchUpOnce` runs the first missed tick; every other one older than MISSED_AFTER_MS is recorded. */
  async #settleMissed(trigger: ScheduleTrigger, now: number): Promise<void> {
    if (trigger.lastFireAt === null) return;
    const due = nextFireTimes(trigger.config, new Date(trigger.lastFireAt), MAX_MISSED_RECORDED + 1).filter(
      (tick) => tick.getTime() <= now,
    );
    if (due.length === 0) return;
    // More were missed than one start-up looks at: only the earliest ones get a row.
    const more = due.length > MAX_MISSED_RECORDED;
    if (trigger.config.missedTicks === 'catchUpOnce') {
      const first = due.shift()!;
      this.#options.logger.info('catching up a missed schedule tick', {
        trigger: trigger.id,
        tick: first.toISOString(),
      });
      await this.#fire(trigger, first);
    }
    const missed = due
      .filter((tick) => tick.getTime() <= now - MISSED_AFTER_MS)
      .slice(0, MAX_MISSED_RECORDED);
    let recorded = 0;
    for (const tick of missed) if (await this.#record(trigger, tick)) recorded++;
    if (recorded === 0) return;
    this.#options.logger.info('recorded missed schedule ticks', {
      trigger: trigger.id,
      recorded,
      from: missed[0]!.toISOString(),
      ...(more ? { more } : {}),
    });
  }

  async #record(trigger: ScheduleTrigger, tick: Date): Promise<boolean> {
    try {
      return await this.#options.missed(trigger, tick);
    } catch (error) {
      this.#options.logger.error('a missed schedule tick could not be recorded', {
        trigger: trigger.id,
        error: (error as Error).message,
      });
      return false;
    }
  }

  /** Re-reads the triggers and re-arms the timers (after a flow was saved, deleted or switched). */
  async refresh(): Promise<void> {
    if (this.#closed) return;
    const generation = ++this.#generation;
    // Stop the old timers at once: a disabled flow must not fire while the listing is read.
    this.#cancelAll();
    // With the timers stopped, a listing lost to an outage would leave every schedule unarmed.
    const triggers = await retryThroughOutage(() => this.#options.list(), {
      logger: this.#options.logger,
      what: 'listing the schedules',
      stopped: () => this.#closed || generation !== this.#generation,
    });
    if (this.#closed || generation !== this.#generation) return;
    this.#cancelAll();
    for (const trigger of triggers) this.#arm(trigger);
  }

  close(): void {
    this.#closed = true;
    this.#cancelAll();
  }

  #cancelAll(): void {
    for (const slot of this.#timers.values()) slot.cancel();
    this.#timers.clear();
  }

  /** `after`: the tick just fired, so a timer that ran a little early cannot fire it twice. */
  #arm(trigger: ScheduleTrigger, after = 0): void {
    if (this.#closed) return;
    const now = this.#clock.now();
    const [next] = nextFireTimes(trigger.config, new Date(Math.max(now, after)), 1);
    if (!next) return;
    const wait = next.getTime() - now;
    const slot = { cancel: () => {} };
    const rearm = (after?: number) => {
      if (this.#timers.get(trigger.id) === slot) this.#arm(trigger, after);
    };
    slot.cancel = this.#clock.setTimer(
      () => {
        if (wait > MAX_TIMER_MS) rearm();
        else void this.#fire(trigger, next).finally(() => rearm(next.getTime()));
      },
      Math.min(Math.max(0, wait), MAX_TIMER_MS),
    );
    this.#timers.set(trigger.id, slot);
  }

  async #fire(trigger: ScheduleTrigger, tickAt: Date): Promise<void> {
    try {
      await retryThroughOutage(() => this.#options.fire(trigger, tickAt), {
        logger: this.#options.logger,
        what: 'firing a schedule',
        facts: { trigger: trigger.id, tick: tickAt.toISOString() },
        stopped: () => this.#closed || this.#clock.now() > tickAt.getTime() + MISSED_AFTER_MS,
      });
    } catch (error) {
      this.#options.logger.error('a scheduled run could not start', {
        trigger: trigger.id,
        error: (error as Error).message,
      });
    }
  }
}
