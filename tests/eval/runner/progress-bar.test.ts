import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressBar } from '../../../eval/runner/progress-bar.ts';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  stream.isTTY = isTTY;
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { stream, text: () => text };
}

async function feed(isTTY: boolean, total: number): Promise<string> {
  const { stream, text } = fakeStream(isTTY);
  const bar = createProgressBar(total, stream);
  for (let done = 1; done <= total; done += 1) bar.update(done, done);
  bar.finish();
  await new Promise((resolve) => setImmediate(resolve));
  return text();
}

describe('the evaluation progress bar', () => {
  it('in a log prints a line about every 10% of the questions', async () => {
    const lines = (await feed(false, 499)).trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(/^eval 50\/499 \(10%\) EX so far 100\.00%/);
    expect(lines.at(-1)).toMatch(/^eval 499\/499 \(100%\)/);
  });

  it('on a terminal redraws one line in place and ends it with a newline', async () => {
    const text = await feed(true, 20);
    expect(text.split('\r')).toHaveLength(21);
    expect(text.trimEnd().split('\n')).toHaveLength(1);
    expect(text).toContain(`[${'#'.repeat(30)}] 20/20 (100%)`);
    expect(text.endsWith('\n')).toBe(true);
  });
});
