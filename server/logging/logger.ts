// The one logger of r1flow's processes (start, worker, sim-llm): pino, writing JSON lines, or
// readable lines when stderr is a terminal. Both formats carry the same fields.
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from '../../engine/define-node.ts';
import { R1flowError } from '../../engine/errors.ts';

export type LogFormat = 'pretty' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['pretty', 'json'];

export interface LoggerOptions {
  /** Default: pretty on a terminal, JSON otherwise. */
  format?: LogFormat;
  /** Default `info`; `R1FLOW_LOG=debug` turns debug lines on. */
  level?: 'debug' | 'info' | 'warn' | 'error';
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface ProcessLogger extends Logger {
  /** The pino instance, for fastify's request logging. */
  readonly pino: pino.Logger;
}

export function createLogger(name: string, options: LoggerOptions = {}): ProcessLogger {
  const stream = options.stream ?? process.stderr;
  const format = options.format ?? (stream.isTTY ? 'pretty' : 'json');
  const level = options.level ?? (process.env.R1FLOW_LOG === 'debug' ? 'debug' : 'info');
  const destination = format === 'pretty' ? prettyStream(stream) : stream;
  const logger = pino(
    { name, level, base: { name }, formatters: { level: (label) => ({ level: label }) } },
    destination,
  );
  const write =
    (method: 'debug' | 'info' | 'warn' | 'error') => (message: string, data?: Record<string, unknown>) =>
      data ? logger[method](data, message) : logger[method](message);
  return {
    pino: logger,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
}

export function parseLogFormat(value: string | undefined): LogFormat | undefined {
  if (value === undefined) return undefined;
  if ((LOG_FORMATS as readonly string[]).includes(value)) return value as LogFormat;
  throw new R1flowError(
    'CONFIG_INVALID',
    `--log-format must be one of ${LOG_FORMATS.join(', ')} (got "${value}")`,
  );
}

/** `2026-12-04T17:00:00.000Z start info: message {"extra":1}` from each pino JSON line. */
function prettyStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line) out.write(prettyLine(line));
      }
      done();
    },
  });
}

export function prettyLine(jsonLine: string): string {
  const {
    time,
    level,
    name,
    msg,
    pid: _pid,
    hostname: _host,
    ...rest
  } = JSON.parse(jsonLine) as Record<string, unknown>;
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  const when = typeof time === 'number' ? new Date(time).toISOString() : '';
  return `${when} ${String(name)} ${String(level)}: ${String(msg ?? '')}${extra}\n`;
}
