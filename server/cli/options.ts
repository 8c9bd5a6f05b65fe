// Flag parsing shared by the commands: node:util parseArgs with r1flow's common flags, and clear
// errors for unknown flags or bad values.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { R1flowError } from '../../engine/errors.ts';
import { isStoreUrl } from '../../engine/store/open-store.ts';
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

/** `--store PATH|URL`, and `--db`, its older name, for commands where `--db` always meant the store. */
export const storeFlags = { store: { type: 'string' }, db: { type: 'string' } } as const;

export type StoreFlagValues = { store?: string | undefined; db?: string | undefined };

export const logFormatFlag = { 'log-format': { type: 'string' } } as const;

/** The process logger: `--log-format pretty|json`, else pretty on a terminal and JSON otherwise. */
export function processLogger(name: string, logFormat: string | undefined): ProcessLogger {
  const format = parseLogFormat(logFormat);
  return createLogger(name, format ? { format } : {});
}

/**
 * The store a command opens: `--store` (or its alias `--db`), then R1FLOW_STORE (or its alias
 * R1FLOW_DB), then ./data/r1flow.db. A postgres:// URL is kept as given, a file path made absolute.
 * Two different values for one setting are refused rather than one silently winning.
 */
export function storeLocation(flags: StoreFlagValues, environment: NodeJS.ProcessEnv = process.env): string {
  const given =
    oneOf(flags.store, flags.db, '--store and --db') ??
    oneOf(
      environment.R1FLOW_STORE || undefined,
      environment.R1FLOW_DB || undefined,
      'R1FLOW_STORE and R1FLOW_DB',
    ) ??
    DEFAULT_DB_PATH;
  return isStoreUrl(given) ? given : resolve(given);
}

function oneOf(value: string | undefined, alias: string | undefined, names: string): string | undefined {
  if (value !== undefined && alias !== undefined && value !== alias) {
    throw new R1flowError(
      'CONFIG_INVALID',
      `${names} name the same store (--db is the older name of --store); give one of them`,
    );
  }
  return value ?? alias;
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
