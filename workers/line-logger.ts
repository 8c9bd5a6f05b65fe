// A Logger for long-running processes (worker, start): one line per message on stderr, debug
// lines only when R1FLOW_LOG=debug.
import type { Logger } from '../engine/define-node.ts';

type Level = keyof Logger;

export function createLineLogger(
  name: string,
  write: (line: string) => void = (line) => process.stderr.write(line),
  debug = process.env.R1FLOW_LOG === 'debug',
): Logger {
  const log = (level: Level) => (message: string, data?: Record<string, unknown>) => {
    if (level === 'debug' && !debug) return;
    const details = data && Object.keys(data).length > 0 ? ` ${JSON.stringify(data)}` : '';
    write(`${new Date().toISOString()} ${name} ${level}: ${message}${details}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
