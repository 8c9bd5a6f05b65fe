// Fires schedule triggers through BullMQ job schedulers (queue mode): Redis holds one scheduler per
// trigger, so a tick normally becomes one job however many r1flow servers run. Redis is not the
// last word: a job delivered again (a stalled job after a Redis restart) names the same tick, and
// the store starts one run per tick. After downtime BullMQ delivers an overdue tick once; a `skip`
// schedule records a late tick as missed instead of running it.
// After every reconnect the schedulers are written again: a Redis restarted without its data
// has none left, and upserting an existing one changes nothing.
import { Queue, Worker } from 'bullmq';
import { openRedis, settleWithin } from '../../workers/redis-connection.ts';
import { MISSED_AFTER_MS, type ScheduleDriver, type ScheduleRunnerOptions } from './schedule-runner.ts';

export interface BullmqScheduleRunnerOptions extends ScheduleRunnerOptions {
  redisUrl: string;
  prefix?: string;
  /** A tick later than this is "missed" (matters for `skip` schedules). Default MISSED_AFTER_MS (60 s). */
  lateAfterMs?: number;
}

const QUEUE = 'r1flow-schedules';
/** Longest wait for the schedule worker and queue to close (a tick may be firing; Redis may be down). */
const CLOSE_TIMEOUT_MS = 3000;

export class BullmqScheduleRunner implements ScheduleDriver {
  readonly #options: BullmqScheduleRunnerOptions;
  readonly #queue: Queue;
  #worker: Worker | undefined;
  #started = false;
  #readyBefore = false;

  constructor(options: BullmqScheduleRunnerOptions) {
    this.#options = options;
    const connection = openRedis(options.redisUrl, 'schedules', options.logger, {
      onReady: () => this.#onReady(),
    });
    this.#queue = new Queue(QUEUE, { connection, prefix: options.prefix ?? 'r1flow' });
    this.#queue.on('error', () => {}); // reported once per outage by the connection itself
  }

  async start(): Promise<void> {
    this.#worker = new Worker(
      QUEUE,
      // The tick's time by the cron (the scheduler's `prevMillis`), identical on every delivery.
      async (job) =>
        this.#onTick(
          job.data as { triggerId: string },
          job.opts.prevMillis ?? job.timestamp + (job.opts.delay ?? 0),
        ),
      {
        connection: openRedis(this.#options.redisUrl, 'schedule-worker', this.#options.logger),
        prefix: this.#options.prefix ?? 'r1flow',
        concurrency: 4,
      },
    );
    this.#worker.on('error', () => {}); // likewise
    this.#started = true;
    await this.refresh();
  }

  /** Makes Redis's job schedulers match the current schedule triggers. */
  async refresh(): Promise<void> {
    const triggers = await this.#options.list();
    const wanted = new Set(triggers.map((t) => t.id));
    for (const trigger of triggers) {
      await this.#queue.upsertJobScheduler(
        trigger.id,
        { pattern: trigger.config.cron, tz: trigger.config.timezone },
        { name: 'tick', data: { triggerId: trigger.id }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
    }
    for (const scheduler of await this.#queue.getJobSchedulers()) {
      const id = scheduler.key;
      if (!wanted.has(id)) await this.#queue.removeJobScheduler(id);
    }
  }

  async close(): Promise<void> {
    this.#started = false;
    const closed = Promise.all([this.#worker?.close(), this.#queue.close()]);
    if (!(await settleWithin(closed, CLOSE_TIMEOUT_MS))) {
      this.#options.logger.warn('schedule queue did not close in time (Redis unreachable?); leaving it');
    }
  }

  #onReady(): void {
    const reconnect = this.#readyBefore;
    this.#readyBefore = true;
    if (!reconnect || !this.#started) return;
    this.refresh().catch((error: Error) => {
      this.#options.logger.warn('could not re-register schedules after a Redis reconnect', {
        error: error.message,
      });
    });
  }

  async #onTick(data: { triggerId: string }, dueAt: number): Promise<void> {
    const trigger = (await this.#options.list()).find((t) => t.id === data.triggerId);
    if (!trigger) return; // deleted or disabled since the tick was scheduled
    const late = Date.now() - dueAt > (this.#options.lateAfterMs ?? MISSED_AFTER_MS);
    if (late && trigger.config.missedTicks === 'skip') {
      if (await this.#options.missed(trigger, new Date(dueAt))) {
        this.#options.logger.info('skipped a missed schedule tick', {
          trigger: trigger.id,
          due: new Date(dueAt).toISOString(),
        });
      }
      return;
    }
    await this.#options.fire(trigger, new Date(dueAt));
  }
}
