// Which PostgreSQL failures mean "the store cannot be reached", and how they are told: with the
// address the store was opened with, never its password (drivers quote what they were given).
import { displayUrl, scrubSecrets } from '../../connection-redaction.ts';
import { R1flowError } from '../../errors.ts';

/** Socket errors of the client, and server states that refuse or drop connections. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown: the server is stopping
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or in recovery
  '53300', // too_many_connections
  '3D000', // invalid_catalog_name: no such database
  '28000', // invalid_authorization_specification
  '28P01', // invalid_password
]);

/** The pg client's own messages for a connection that went away or never came. */
const UNREACHABLE_MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i];

export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return UNREACHABLE_MESSAGES.some((pattern) => pattern.test(error.message));
}

/** STORE_UNAVAILABLE for an unreachable store; any other error as it was. */
export function storeError(error: unknown, url: string): unknown {
  if (!isUnreachable(error)) return error;
  const reason = scrubSecrets((error as Error).message || (error as { code: string }).code, url);
  return new R1flowError(
    'STORE_UNAVAILABLE',
    `the PostgreSQL store at ${displayUrl(url)} cannot be reached: ${reason}`,
    { retryable: true },
  );
}
