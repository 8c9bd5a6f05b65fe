import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../nodes/schema/spider-files.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
let cleanup = () => {};
afterEach(() => cleanup());

describe('build-warehouse from the command line', () => {
  it('writes the demo warehouse where it is told and prints the row counts', async () => {
    const temp = makeTempDir('demo-cli');
    cleanup = temp.cleanup;
    const out = join(temp.dir, 'out.sqlite');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['bin/run-ts.js', 'server/demo/build-warehouse.ts', out],
      { cwd: ROOT },
    );
    expect(stdout).toMatch(
      /^demo warehouse .*out\.sqlite: \d+ rows \(regions 6, sales_reps 24, customers 300,/,
    );
    expect(existsSync(out)).toBe(true);
    const db = new Database(out, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM orders').pluck().get()).toBe(1500);
    db.close();
  });
});
