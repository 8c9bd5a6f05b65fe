// The editor's files as @fastify/static serves them: public even when keys are required, hashed
// assets cached for good and everything else revalidated, index.html for client routes, and the
// server's own paths never answered with the editor.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerHarness } from '../../support/server-harness.ts';
import { startTestServer } from '../../support/server-harness.ts';

let dir: string;
let built: ServerHarness;
let unbuilt: ServerHarness;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-editor-'));
  mkdirSync(join(dir, 'dist', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><title>editor index</title>');
  writeFileSync(join(dir, 'dist', 'assets', 'app-1234.js'), 'console.log("app")');
  writeFileSync(join(dir, 'dist', 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  mkdirSync(join(dir, 'empty'));
  built = await startTestServer({ requireKey: true, editorDir: join(dir, 'dist') });
  unbuilt = await startTestServer({ requireKey: true, editorDir: join(dir, 'empty') });
});
afterAll(async () => {
  await built.close();
  await unbuilt.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the built editor', () => {
  it('serves hashed assets as immutable, without an API key', async () => {
    const response = await fetch(`${built.url}/assets/app-1234.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await response.text()).toBe('console.log("app")');
  });

  it('serves other files and the index to be revalidated', async () => {
    const icon = await fetch(`${built.url}/favicon.svg`);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');
    expect(icon.headers.get('cache-control')).toBe('no-cache');
    for (const path of ['/', '/index.html', '/flows/abc/runs']) {
      const response = await fetch(`${built.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toContain('text/html');
      expect(response.headers.get('cache-control'), path).toBe('no-cache');
      expect(await response.text(), path).toContain('editor index');
    }
  });

  it('answers HEAD for a client route like GET, without a body', async () => {
    const response = await fetch(`${built.url}/flows/abc`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toBe('');
  });

  it('answers unknown API and hook paths with a JSON 404, never the editor', async () => {
    for (const path of ['/api/no-such-thing', '/hooks/no-such-hook', '/api/assets/app-1234.js']) {
      const response = await fetch(`${built.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.json(), path).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    const post = await fetch(`${built.url}/flows/abc`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(await post.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('an editor folder without a build', () => {
  it('answers pages with how to build it, and API paths with a JSON 404', async () => {
    const page = await fetch(`${unbuilt.url}/flows/abc`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('npm run build:editor');
    const api = await fetch(`${unbuilt.url}/api/no-such-thing`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
