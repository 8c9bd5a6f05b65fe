// The editor's files are public, so what they may serve is exactly the editor folder: no climbing
// out with `..` (plain, encoded, double-encoded, backslashed), no null bytes, no 500s on odd names.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerHarness } from '../support/server-harness.ts';
import { startTestServer } from '../support/server-harness.ts';
import { rawRequest } from './raw-http.ts';

let h: ServerHarness;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-static-'));
  const dist = join(dir, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>editor index</title>');
  writeFileSync(join(dist, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(dist, '100%.txt'), 'percent file');
  writeFileSync(join(dir, 'outside.txt'), 'TOP SECRET outside');
  mkdirSync(join(dir, 'dist-private'));
  writeFileSync(join(dir, 'dist-private', 'key.txt'), 'TOP SECRET sibling');
  h = await startTestServer({ requireKey: true, editorDir: dist });
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the editor's files", () => {
  it('serves files in the folder and index.html for app routes', async () => {
    const app = await rawRequest(h.url, { target: '/assets/app.js' });
    expect(app.status).toBe(200);
    expect(app.body).toBe('console.log("app")');
    expect(app.headers['content-type']).toContain('text/javascript');
    const route = await rawRequest(h.url, { target: '/flows/ask-webhook' });
    expect(route.body).toContain('editor index');
  });

  it.each([
    '/../outside.txt',
    '/%2e%2e/outside.txt',
    '/%2E%2E/outside.txt',
    '/assets/..%2f..%2foutside.txt',
    '/%252e%252e/outside.txt',
    '/%252e%252e%252foutside.txt',
    '/..%5coutside.txt',
    '/../dist-private/key.txt',
    '/%2e%2e/dist-private/key.txt',
    '/assets/%2e%2e/%2e%2e/dist-private/key.txt',
    `/${'%2e%2e/'.repeat(12)}etc/passwd`,
  ])('%s serves nothing outside the folder', async (target) => {
    const response = await rawRequest(h.url, { target });
    expect(response.body).not.toContain('TOP SECRET');
    expect(response.body).not.toContain('root:');
    expect([200, 400, 404]).toContain(response.status);
  });

  it.each(['/%00', '/assets/app.js%00.html', '/%25E0%25A4%25A', '/%E0%A4%A'])(
    '%s is answered without a server error',
    async (target) => {
      const response = await rawRequest(h.url, { target });
      expect(response.status).toBeLessThan(500);
    },
  );

  it('a file whose name has a % is served by its encoded name (decoded once, by the router)', async () => {
    const response = await rawRequest(h.url, { target: '/100%25.txt' });
    expect(response.status).toBe(200);
    expect(response.body).toBe('percent file');
  });
});
