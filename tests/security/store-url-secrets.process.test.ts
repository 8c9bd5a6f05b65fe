// Commands given a postgres:// store that cannot be used (no key, no such server, or no
// PostgreSQL store in this build) fail in one line that never carries the URL's password.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const PASSWORD = 'store-url-pw-7';
const URL_STORE = `postgres://r1flow:${PASSWORD}@127.0.0.1:1/r1flow`;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-store-url-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a postgres:// store on the command line', () => {
  it('start without R1FLOW_SECRET_KEY says the cluster needs it, without the password', async () => {
    const result = await runCli(['start', '--port', '0', '--store', URL_STORE, '--data-dir', dir], {
      R1FLOW_SECRET_KEY: '',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'error CONFIG_INVALID: the shared store postgres://r1flow@127.0.0.1:1/r1flow',
    );
    expect(result.stderr).toContain('R1FLOW_SECRET_KEY');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it('start, flows list and R1FLOW_STORE fail to open it without saying the password', async () => {
    const env = { R1FLOW_SECRET_KEY: 'cluster-key' };
    for (const [args, extra] of [
      [['start', '--port', '0', '--store', URL_STORE, '--data-dir', dir], {}],
      [['flows', 'list', '--store', URL_STORE], {}],
      [['runs', 'list', '--db', URL_STORE], {}],
      [['keys', 'list'], { R1FLOW_STORE: URL_STORE }],
    ] as const) {
      const result = await runCli([...args], { ...env, ...extra });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^error [A-Z_]+: cannot open the store postgres:\/\/r1flow@127\.0\.0\.1:1\/r1flow/,
      );
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    }
  });
});
