// `r1flow flows list|disable|enable` on the store a running server uses: the server's webhook
// follows the switch at once.

import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signedHeaders as signed } from '../security/signed-call.ts';
import { runCli } from '../support/cli.ts';
import { flowOf } from '../support/engine-harness.ts';
import { type ServerHarness, startTestServer } from '../support/server-harness.ts';

let h: ServerHarness;
beforeEach(async () => {
  h = await startTestServer();
});
afterEach(async () => {
  await h.close();
});

const hookFlow = flowOf(
  { hook: ['trigger.webhook', { path: 'ask' }], s: ['test.step'], out: ['output.answer'] },
  ['hook.payload->s.in', 's.out->out.value'],
  'asker',
);

describe('r1flow flows', () => {
  it('lists flows with their published version and switches one off and on for the running server', async () => {
    const published = await h.api('/api/flows', { method: 'POST', json: hookFlow });
    const secret = published.body.newSecrets[0].secret as string;
    await h.api('/api/flows/drafty/draft', {
      method: 'PUT',
      json: { ...hookFlow, id: 'drafty', nodes: [], edges: [] },
    });
    const db = join(h.dir, 'r1.db');

    const listed = await runCli(['flows', 'list', '--db', db]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^asker {2}published v1 {2}latest v1 {2}on/m);
    expect(listed.stdout).toMatch(/^drafty {2}never published {2}draft only {2}on/m);

    const call = async (question: string) => {
      const body = JSON.stringify({ question });
      return fetch(`${h.url}/hooks/ask`, { method: 'POST', headers: signed(secret, body), body });
    };
    expect((await runCli(['flows', 'disable', 'asker', '--db', db])).stdout).toContain('asker switched off');
    const off = await call('off?');
    expect(off.status).toBe(404);
    expect(((await off.json()) as { error: { code: string } }).error.code).toBe('FLOW_DISABLED');
    expect((await runCli(['flows', 'enable', 'asker', '--db', db])).code).toBe(0);
    expect((await call('on?')).status).toBe(202);

    const unknown = await runCli(['flows', 'disable', 'nobody', '--db', db]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('no flow "nobody"');
  });
});
