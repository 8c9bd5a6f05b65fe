import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.ts';
import { chatPromptFor, SPIDER_REPLAY } from './sim-fixtures.ts';

let child: ChildProcess | undefined;

afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

function startCommand(args: string[]): { process: ChildProcess; stderr: () => string } {
  const started = spawn(process.execPath, [CLI, 'sim-llm', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = started;
  let stderr = '';
  started.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return { process: started, stderr: () => stderr };
}

async function waitForUrl(stderr: () => string, sim: ChildProcess): Promise<string> {
  for (;;) {
    const match = /listening on (http:\/\/\S+\/v1)/.exec(stderr());
    if (match?.[1]) return match[1];
    if (sim.exitCode !== null) throw new Error(`sim-llm exited early: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('r1flow sim-llm', () => {
  it('serves the replay on the printed URL and closes cleanly on SIGTERM', async () => {
    const { process: sim, stderr } = startCommand([
      '--port',
      '0',
      '--replay',
      SPIDER_REPLAY,
      '--mode',
      'static',
    ]);
    const url = await waitForUrl(stderr, sim);
    expect(stderr()).toContain('mode static');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const response = await fetch(`${url}/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: chatPromptFor('How many singers do we have?'), n: 2 }),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).choices).toHaveLength(2);
    sim.kill('SIGTERM');
    const [code] = await once(sim, 'exit');
    expect(code).toBe(0);
  });

  it('exits 2 with the usage on a bad flag or a bad mode', async () => {
    for (const args of [['--bogus'], ['--mode', 'turbo', '--port', '0']]) {
      const { process: sim, stderr } = startCommand(args);
      const [code] = await once(sim, 'exit');
      expect(code).toBe(2);
      expect(stderr()).toMatch(/usage: r1flow sim-llm|mode/);
    }
  });

  it('serves each --replay NAME=FILE#K as a model and lists them', async () => {
    const { process: sim, stderr } = startCommand([
      '--port',
      '0',
      '--replay',
      `codes-1b=${SPIDER_REPLAY}#0`,
      '--replay',
      `din-sql=${SPIDER_REPLAY}#7`,
    ]);
    const url = await waitForUrl(stderr, sim);
    expect(stderr()).toContain('models codes-1b, din-sql');
    const listed = (await (await fetch(`${url}/models`)).json()) as { data: { id: string }[] };
    expect(listed.data.map((model) => model.id)).toEqual(['codes-1b', 'din-sql']);
    const response = await fetch(`${url}/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'din-sql', prompt: chatPromptFor('How many singers do we have?'), n: 1 }),
    });
    // The line's eighth recorded response (DIN-SQL's), not its first.
    const first = JSON.parse(readFileSync(SPIDER_REPLAY, 'utf8').split('\n')[0]!) as { responses: string[] };
    expect(first.responses[7]).not.toBe(first.responses[0]);
    expect((await response.json()).choices[0].text).toBe(first.responses[7]);
    sim.kill('SIGTERM');
    await once(sim, 'exit');
  });

  it('exits 2 naming the problem for two unnamed replay files', async () => {
    const { process: sim, stderr } = startCommand([
      '--port',
      '0',
      '--replay',
      SPIDER_REPLAY,
      '--replay',
      SPIDER_REPLAY,
    ]);
    const [code] = await once(sim, 'exit');
    expect(code).toBe(2);
    expect(stderr()).toContain('--replay FILE may be given once');
  });
});
