// A small logger for the CLI processes: one line per message on stderr, with its data as JSON.
import type { Logger } from '../../engine/define-node.ts';

export function createConsoleLogger(
  prefix = 'r1flow',
  stream: NodeJS.WritableStream = process.stderr,
): Logger {
  const write = (level: string) => (message: string, data?: Record<string, unknown>) => {
    const extra = data && Object.keys(data).length > 0 ? ` ${JSON.stringify(data)}` : '';
    stream.write(`${new Date().toISOString()} ${prefix} ${level} ${message}${extra}\n`);
  };
  return { debug: () => {}, info: write('info'), warn: write('warn'), error: write('error') };
}
