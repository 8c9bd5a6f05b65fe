// Starts a flow on a cron schedule (e.g. a nightly warehouse sync). The server fires it: in
// queue mode through a BullMQ job scheduler, so a tick fires once however many servers run.
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { defineNode } from '../../engine/define-node.ts';
import { Json, Text } from '../../engine/ports.ts';

export const ScheduleParamsSchema = z
  .object({
    cron: z
      .string()
      .min(1)
      .describe('Cron expression, e.g. "0 2 * * *" for 02:00 every day (seconds field optional)'),
    timezone: z.string().default('UTC').describe('IANA time zone the cron is read in, e.g. Europe/Berlin'),
    missedTicks: z
      .enum(['skip', 'catchUpOnce'])
      .default('skip')
      .describe('After downtime: skip missed ticks, or run once at start-up for them'),
    input: z.record(z.string(), z.unknown()).default({}).describe('The input each scheduled run gets'),
  })
  .superRefine((params, ctx) => {
    if (!isTimeZone(params.timezone)) {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: `unknown time zone "${params.timezone}"` });
      return;
    }
    try {
      CronExpressionParser.parse(params.cron, { tz: params.timezone });
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['cron'],
        message: `invalid cron expression: ${(error as Error).message}`,
      });
    }
  });
export type ScheduleParams = z.output<typeof ScheduleParamsSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The next `count` fire times after `after`. */
export function nextFireTimes(
  params: Pick<ScheduleParams, 'cron' | 'timezone'>,
  after: Date,
  count: number,
): Date[] {
  const expression = CronExpressionParser.parse(params.cron, { tz: params.timezone, currentDate: after });
  return Array.from({ length: count }, () => expression.next().toDate());
}

export default defineNode({
  type: 'trigger.schedule',
  version: 1,
  title: 'Schedule trigger',
  family: 'trigger',
  lane: 'cpu',
  description: 'Starts a run on a cron schedule with a fixed input.',
  params: ScheduleParamsSchema,
  inputs: {},
  outputs: { payload: Json, firedAt: Text },
  async run({ ctx }) {
    const input = (ctx.runInput ?? {}) as Record<string, unknown>;
    const firedAt = typeof input.firedAt === 'string' ? input.firedAt : new Date().toISOString();
    return { payload: input, firedAt };
  },
});
