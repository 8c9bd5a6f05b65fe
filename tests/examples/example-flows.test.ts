import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateFlow } from '../../engine/validate-flow.ts';
import { createNodeRegistry } from '../../nodes/index.ts';
import { EXAMPLE_FLOWS_DIR } from '../../server/demo/demo-defaults.ts';

const files = readdirSync(EXAMPLE_FLOWS_DIR).filter((file) => file.endsWith('.flow.json'));

describe('example flows', () => {
  it('ships the flows the README walks through', () => {
    expect(files).toEqual(
      expect.arrayContaining(['nl2sql.flow.json', 'ask-webhook.flow.json', 'nightly-sync.flow.json']),
    );
  });

  it.each(files)('%s is a valid flow with positions for the editor', (file) => {
    const document = JSON.parse(readFileSync(`${EXAMPLE_FLOWS_DIR}${file}`, 'utf8')) as {
      nodes: { position?: unknown }[];
    };
    const result = validateFlow(document, createNodeRegistry());
    expect(result.ok ? [] : result.issues).toEqual([]);
    expect(document.nodes.every((node) => node.position !== undefined)).toBe(true);
  });
});
