// Serves the built editor (a single-page app): files by extension, index.html for other paths.
// Public by design; a file is served only when it resolves inside the editor folder (the router
// has already decoded the path once, so `..`, encoded or not, cannot climb out).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export function registerEditorFiles(app: FastifyInstance, editorDir: string | undefined): void {
  const root = editorDir ? resolve(editorDir) : undefined;
  const built = root !== undefined && existsSync(join(root, 'index.html'));
  app.get('/*', { config: { access: 'public' } }, async (request, reply) => {
    const path = (request.params as { '*': string })['*'] ?? '';
    if (path.startsWith('api/') || path.startsWith('hooks/')) {
      return reply
        .status(404)
        .send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} /${path}` } });
    }
    if (!built) {
      return reply
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><title>r1flow</title><p>The editor is not built. Run <code>npm run build:editor</code> (npm ci does it), then reload. The API is at <a href="/api/openapi.json">/api/openapi.json</a>.</p>',
        );
    }
    const file = editorFile(root, path) ?? join(root, 'index.html');
    const immutable = file.includes(`${sep}assets${sep}`);
    reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.type(TYPES[extname(file)] ?? 'application/octet-stream').send(createReadStream(file));
  });
}

/** The file a request path names inside root, or undefined (outside, missing, or not a file). */
function editorFile(root: string, path: string): string | undefined {
  if (path.includes('\0')) return undefined;
  const candidate = resolve(root, path);
  const inside = relative(root, candidate);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))
    return undefined;
  return existsSync(candidate) && statSync(candidate).isFile() ? candidate : undefined;
}
