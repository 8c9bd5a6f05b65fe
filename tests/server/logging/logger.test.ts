import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isR1flowError } from '../../../engine/errors.ts';
import { createLogger, parseLogFormat } from '../../../server/logging/logger.ts';

function capture(): { stream: PassThrough; lines: () => string[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { stream, lines: () => text.split('\n').filter(Boolean) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('process logger', () => {
  it('writes one JSON object a line with level, name, message and fields', async () => {
    const out = capture();
    const logger = createLogger('worker', { format: 'json', stream: out.stream });
    logger.warn('lost a lease', { runId: 'r1' });
    await settle();
    const [line] = out.lines();
    expect(JSON.parse(line!)).toMatchObject({
      level: 'warn',
      name: 'worker',
      msg: 'lost a lease',
      runId: 'r1',
    });
  });

  it('writes readable lines in pretty format, with the fields as JSON', async () => {
    const out = capture();
    const logger = createLogger('r1flow', { format: 'pretty', stream: out.stream });
    logger.info('started', { port: 3000 });
    await settle();
    expect(out.lines()[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z r1flow info: started \{"port":3000\}$/);
  });

  it('leaves debug lines out unless asked for', async () => {
    const out = capture();
    createLogger('r1flow', { format: 'json', stream: out.stream }).debug('hidden');
    createLogger('r1flow', { format: 'json', stream: out.stream, level: 'debug' }).debug('shown');
    await settle();
    expect(out.lines().map((line) => JSON.parse(line).msg)).toEqual(['shown']);
  });

  it('refuses an unknown --log-format by name', () => {
    expect(parseLogFormat(undefined)).toBeUndefined();
    expect(parseLogFormat('json')).toBe('json');
    try {
      parseLogFormat('xml');
      expect.unreachable();
    } catch (error) {
      expect(isR1flowError(error) && error.code).toBe('CONFIG_INVALID');
      expect((error as Error).message).toContain('--log-format must be one of pretty, json (got "xml")');
    }
  });
});
