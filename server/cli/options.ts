// Flag parsing shared by the commands: node:util parseArgs with r1flow's common flags, and clear
// errors for unknown flags or bad values.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { R1flowError } from '../../engine/errors.ts';
import { createLogger, type ProcessLogger, parseLogFormat } from '../logging/logger.ts';

export const DEFAULT_DB_PATH = './data/r1flow.db';

type Spec = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

export function parseFlags<S extends Spec>(argv: string[], spec: S, usage: string) {
  try {
    return parseArgs({ args: argv, options: spec, allowPositionals: true, strict: true });
  } catch (error) {
    throw new R1flowError('BAD_REQUEST', `${(error as Error).message}\nusage: r1flow ${usage}`);
  }
}

export const dbFlag = { db: { type: 'string' } } as const;

export const logFormatFlag = { 'log-format': { type: 'string' } } as const;

/** The process logger: `--log-format pretty|json`, else pretty on a terminal and JSON otherwise. */
export function processLogger(name: string, logFormat: string | undefined): ProcessLogger {
  const format = parseLogFormat(logFormat);
  return createLogger(name, format ? { format } : {});
}

/** `--db`, then R1FLOW_DB, then ./data/r1flow.db. */
export function dbPath(value: string | undefined): string {
  return resolve(value ?? process.env.R1FLOW_DB ?? DEFAULT_DB_PATH);
}

export function parseIntegerFlag(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    throw new R1flowError('BAD_REQUEST', `--${name} must be an integer >= ${min}, got "${value}"`);
  }
  return parsed;
}

export function parseJsonFlag(value: string, name: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new R1flowError('BAD_REQUEST', `--${name} is not valid JSON: ${(error as Error).message}`);
  }
}
