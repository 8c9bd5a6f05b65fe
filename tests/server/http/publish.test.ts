// Drafts and publishing over the HTTP API: drafts make no versions, publishing does (once per
// change, with a note), webhooks run only the published version, and a flow can be switched off.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signedHeaders as signed } from '../../security/signed-call.ts';
import { flowOf } from '../../support/engine-harness.ts';
import type { ServerHarness } from '../../support/server-harness.ts';
import { startTestServer } from '../../support/server-harness.ts';

let h: ServerHarness;
beforeEach(async () => {
  h = await startTestServer();
});
afterEach(async () => {
  await h.close();
});

function hookFlow(maxLength = 200) {
  return flowOf(
    {
      hook: ['trigger.webhook', { path: 'ask', fields: [{ name: 'question', maxLength }] }],
      s: ['test.step'],
      out: ['output.answer'],
    },
    ['hook.payload->s.in', 's.out->out.value'],
    'asker',
  );
}

const saveDraft = (document: unknown) => h.api('/api/flows/asker/draft', { method: 'PUT', json: document });
const publish = (body: Record<string, unknown> = {}) =>
  h.api('/api/flows/asker/publish', { method: 'POST', json: body });

async function callHook(secret: string, question: string) {
  const body = JSON.stringify({ question });
  const response = await fetch(`${h.url}/hooks/ask`, { method: 'POST', headers: signed(secret, body), body });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('drafts and publishing', () => {
  it('a draft makes no version and no webhook; the draft can be run; publishing makes the version the hook runs', async () => {
    const saved = await saveDraft(hookFlow());
    expect(saved.status).toBe(200);
    expect(saved.body.flow).toMatchObject({ id: 'asker', latestVersion: 0, publishedVersion: null });
    expect(saved.body.issues).toEqual([]);
    expect((await saveDraft(hookFlow())).status).toBe(200);
    const opened = await h.api('/api/flows/asker');
    expect(opened.body).toMatchObject({
      version: null,
      unpublishedChanges: true,
      draft: { flowId: 'asker' },
    });
    expect((await h.api('/api/flows/asker/versions')).body.versions).toEqual([]);

    // Never published: the webhook is not there, and says why.
    const early = await fetch(`${h.url}/hooks/ask`, { method: 'POST', body: '{}' });
    expect(early.status).toBe(404);
    expect(((await early.json()) as any).error).toMatchObject({
      code: 'FLOW_NOT_PUBLISHED',
      message: expect.stringContaining('published'),
    });

    // The editor runs the draft: pinned to an unpublished snapshot version.
    const tried = await h.api('/api/flows/asker/runs?wait=10s', {
      method: 'POST',
      json: { input: { question: 'draft?' }, draft: true },
    });
    expect(tried.body.run).toMatchObject({ status: 'succeeded', flowVersion: 1 });
    expect((await h.api('/api/flows/asker/versions')).body.versions).toMatchObject([
      { version: 1, publication: null },
    ]);

    const published = await publish({ note: 'first cut' });
    expect(published.status).toBe(200);
    // The tried draft is published as the version it ran as.
    expect(published.body).toMatchObject({
      published: true,
      created: false,
      version: { version: 1, publication: { note: 'first cut', by: 'loopback' } },
      flow: { publishedVersion: 1 },
    });
    const secret = published.body.newSecrets[0].secret as string;
    const call = await callHook(secret, 'published?');
    expect(call.status).toBe(202);
    expect((await h.runtime.orchestrator.waitForRun(call.body.runId, 10_000)).run.flowVersion).toBe(1);
  });

  it('publishing without a change makes no version; a new draft does not reach the hook until published', async () => {
    const first = await publish({ document: hookFlow(), note: 'v1' });
    expect(first.body).toMatchObject({ published: true, created: true, version: { version: 1 } });
    const secret = first.body.newSecrets[0].secret as string;
    const again = await publish({ note: 'same again' });
    expect(again.body).toMatchObject({ published: false, created: false, version: { version: 1 } });
    // The old API: PUT saves and publishes, still only on a change.
    const put = await h.api('/api/flows/asker', { method: 'PUT', json: hookFlow() });
    expect(put.body).toMatchObject({ published: false, version: { version: 1 } });
    expect((await h.api('/api/flows/asker/versions')).body.versions).toHaveLength(1);

    // A draft allowing only 5 characters: the published hook still takes long questions.
    expect((await saveDraft(hookFlow(5))).status).toBe(200);
    expect((await h.api('/api/flows/asker')).body.unpublishedChanges).toBe(true);
    expect((await callHook(secret, 'a longer question')).status).toBe(202);
    const second = await publish({ note: 'short questions only' });
    expect(second.body).toMatchObject({
      published: true,
      version: { version: 2 },
      flow: { publishedVersion: 2 },
    });
    const refused = await callHook(secret, 'another long question');
    expect(refused.status).toBe(400);
    const runs = await h.runtime.store.listRuns({ flowId: 'asker' });
    expect(runs.map((run) => run.flowVersion)).toEqual([1]);
    const versions = (await h.api('/api/flows/asker/versions')).body.versions;
    expect(versions.map((v: any) => [v.version, v.publication?.note])).toEqual([
      [2, 'short questions only'],
      [1, 'v1'],
    ]);
  });

  it('a switched-off flow answers its webhook with 404 FLOW_DISABLED and creates no run; on again, it answers', async () => {
    const secret = (await publish({ document: hookFlow() })).body.newSecrets[0].secret as string;
    expect(
      (await h.api('/api/flows/asker', { method: 'PATCH', json: { enabled: false } })).body.flow.enabled,
    ).toBe(false);
    const off = await callHook(secret, 'anyone?');
    expect(off.status).toBe(404);
    expect(off.body.error).toMatchObject({
      code: 'FLOW_DISABLED',
      message: expect.stringContaining('switched off'),
    });
    expect(await h.runtime.store.listRuns({ flowId: 'asker' })).toEqual([]);
    await h.api('/api/flows/asker', { method: 'PATCH', json: { enabled: true } });
    expect((await callHook(secret, 'anyone?')).status).toBe(202);
  });

  it('documents the draft and publish routes in the OpenAPI document', async () => {
    const openapi = (await h.api('/api/openapi.json')).body;
    expect(openapi.paths['/api/flows/{id}/draft']).toHaveProperty('put');
    expect(openapi.paths['/api/flows/{id}/publish'].post.responses).toHaveProperty('422');
    expect(
      openapi.paths['/api/flows/{id}/runs'].post.requestBody.content['application/json'].schema.properties,
    ).toHaveProperty('draft');
  });

  it('refuses to publish an invalid draft, or none, naming the problem', async () => {
    const none = await h.api('/api/flows/nobody/publish', { method: 'POST', json: {} });
    expect(none.body.error.code).toBe('FLOW_NOT_FOUND');
    const broken = hookFlow();
    broken.nodes[1]!.type = 'test.nothing@1';
    expect((await saveDraft(broken)).body.issues.length).toBeGreaterThan(0);
    const refused = await publish();
    expect(refused.status).toBe(400);
    expect(refused.body.error.issues.length).toBeGreaterThan(0);
    expect((await h.api('/api/flows/asker')).body.flow.publishedVersion).toBeNull();
    await h.api('/api/flows/asker/draft', { method: 'DELETE' });
    expect((await publish()).body.error).toMatchObject({ code: 'FLOW_NO_DRAFT' });
    expect((await saveDraft({ id: 'asker', nodes: 'no' })).status).toBe(400);
  });
});
