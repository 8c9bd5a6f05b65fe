import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { STORE_PATH_ENV } from '../../../nodes/warehouse/data-dir.ts';
import { createRuntime, type Runtime } from '../../../server/runtime/local-runtime.ts';

let runtime: Runtime | undefined;
let dir: string | undefined;
afterEach(async () => {
  await runtime?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the runtime host settings', () => {
  it('adds the store path to the given settings without writing the process environment', async () => {
    const before = process.env[STORE_PATH_ENV];
    dir = mkdtempSync(join(tmpdir(), 'r1flow-settings-'));
    runtime = await createRuntime({
      storeLocation: join(dir, 'r1.db'),
      adoptOrphans: false,
      settings: settingsFrom({ R1FLOW_LLM_API_KEY: 'sk-host' }, { R1FLOW_DATA_DIR: dir }),
    });
    expect(runtime.settings.setting(STORE_PATH_ENV)).toBe(join(dir, 'r1.db'));
    expect(runtime.settings.setting('R1FLOW_DATA_DIR')).toBe(dir);
    expect(runtime.settings.secret('R1FLOW_LLM_API_KEY')).toBe('sk-host');
    expect(process.env[STORE_PATH_ENV]).toBe(before);
  });
});
