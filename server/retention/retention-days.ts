// Retention settings in days, shared by the audit log and the run history: whole days from a
// setting's text, 0 meaning keep forever, and the cut-off a number of days gives.
import { R1flowError } from '../../engine/errors.ts';

export const DAY_MS = 86_400_000;

/**
 * The days in a setting's text, `fallback` when it is unset; CONFIG_INVALID naming the setting
 * (and what 0 keeps forever) when it is not a whole number.
 */
export function retentionDays(
  text: string | undefined,
  setting: { name: string; fallback: number; keeps: string },
): number {
  if (text === undefined) return setting.fallback;
  const days = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(days)) {
    throw new R1flowError(
      'CONFIG_INVALID',
      `${setting.name} must be a whole number of days (0 keeps ${setting.keeps} forever), not "${text}"`,
    );
  }
  return days;
}

/** What finished before this time is older than `days`; with 0 days, nothing is (epoch 0). */
export function retentionCutoff(days: number, now: number): number {
  return days === 0 ? 0 : now - days * DAY_MS;
}
