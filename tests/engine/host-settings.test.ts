import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNode } from '../../engine/define-node.ts';
import { settingsFrom, withSettings } from '../../engine/host-settings.ts';
import { Json } from '../../engine/ports.ts';
import type { JobResult } from '../../engine/transport.ts';
import { InlineTransport } from '../../engine/transports/inline-transport.ts';
import { createNodeRegistry } from '../../nodes/index.ts';

describe('host settings', () => {
  it('overrides win over the environment for settings; secrets come from the environment only', () => {
    const settings = settingsFrom(
      { R1FLOW_LLM_URL: 'http://env/v1', R1FLOW_LLM_API_KEY: 'sk-env', R1FLOW_DATA_DIR: '/env-data' },
      { R1FLOW_LLM_URL: 'http://flag/v1', R1FLOW_LLM_API_KEY: 'sk-flag' },
    );
    expect(settings.setting('R1FLOW_LLM_URL')).toBe('http://flag/v1');
    expect(settings.setting('R1FLOW_DATA_DIR')).toBe('/env-data');
    expect(settings.secret('R1FLOW_LLM_API_KEY')).toBe('sk-env');
    expect(settings.setting('R1FLOW_NOT_SET')).toBeUndefined();
  });

  it('treats empty values as unset, so an empty override leaves the environment in charge', () => {
    const settings = settingsFrom(
      { R1FLOW_WAREHOUSE: '', MILVUS_TOKEN: '', R1FLOW_LLM_URL: 'http://env/v1' },
      {
        R1FLOW_LLM_URL: '',
      },
    );
    expect(settings.setting('R1FLOW_WAREHOUSE')).toBeUndefined();
    expect(settings.secret('MILVUS_TOKEN')).toBeUndefined();
    expect(settings.setting('R1FLOW_LLM_URL')).toBe('http://env/v1');
  });

  it('reads overrides at each lookup, so a host can add one it learns after handing the settings on', () => {
    const overrides: Record<string, string> = {};
    const settings = settingsFrom({}, overrides);
    expect(settings.setting('R1FLOW_LLM_URL')).toBeUndefined();
    overrides.R1FLOW_LLM_URL = 'http://127.0.0.1:8000/v1';
    expect(settings.setting('R1FLOW_LLM_URL')).toBe('http://127.0.0.1:8000/v1');
  });

  it('withSettings layers settings on top and leaves secrets alone', () => {
    const base = settingsFrom({ R1FLOW_STORE_PATH: '/old.db', MILVUS_TOKEN: 'tok' });
    const layered = withSettings(base, { R1FLOW_STORE_PATH: '/new.db', MILVUS_TOKEN: 'not-a-secret' });
    expect(layered.setting('R1FLOW_STORE_PATH')).toBe('/new.db');
    expect(base.setting('R1FLOW_STORE_PATH')).toBe('/old.db');
    expect(layered.secret('MILVUS_TOKEN')).toBe('tok');
  });

  it('the inline transport hands its settings to the node context', async () => {
    const probe = defineNode({
      type: 'test.settings',
      version: 1,
      title: 'Reads host settings',
      family: 'control',
      lane: 'cpu',
      params: z.object({}),
      inputs: {},
      outputs: { out: Json },
      async run({ ctx }) {
        return {
          out: { url: ctx.setting('R1FLOW_LLM_URL') ?? null, key: ctx.secret('R1FLOW_LLM_API_KEY') ?? null },
        };
      },
    });
    const transport = new InlineTransport({
      registry: createNodeRegistry([probe]),
      settings: settingsFrom({ R1FLOW_LLM_API_KEY: 'sk-host' }, { R1FLOW_LLM_URL: 'http://flag/v1' }),
    });
    try {
      const settled = new Promise<JobResult>((resolve) => transport.onSettled(resolve));
      await transport.submit([
        {
          jobId: 'r-n-1',
          runId: 'r',
          nodeId: 'n',
          attempt: 1,
          nodeKey: 'test.settings@1',
          lane: 'cpu',
          params: {},
          inputs: {},
        },
      ]);
      expect((await settled).outcome).toEqual({
        ok: true,
        outputs: { out: { url: 'http://flag/v1', key: 'sk-host' } },
      });
    } finally {
      await transport.close();
    }
  });
});
