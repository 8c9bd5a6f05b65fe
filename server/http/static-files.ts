// Serves the built editor (a single-page app) with @fastify/static: its files, and index.html for
// client routes. Public by design (the route permission table); @fastify/send keeps every file
// inside the editor folder, and a path it refuses (`..`, backslashes, non-canonical forms) is
// answered like a missing file rather than with an error.
import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { sendError } from './http-errors.ts';

const NOT_BUILT_PAGE =
  '<!doctype html><title>r1flow</title><p>The editor is not built. Run <code>npm run build:editor</code> (npm ci does it), then reload. The API is at <a href="/api/openapi.json">/api/openapi.json</a>.</p>';

/**
 * Registers the editor's `GET /*` route and the server's not-found handler: client routes get
 * index.html, anything else (API paths, other methods) a JSON 404.
 */
export function registerEditorFiles(app: FastifyInstance, editorDir: string | undefined): void {
  const root = editorDir ? resolve(editorDir) : undefined;
  const built = root !== undefined && existsSync(join(root, 'index.html'));
  if (built) {
    app.register(fastifyStatic, {
      root,
      serve: false,
      cacheControl: false,
      setHeaders: (reply, file) => {
        // Vite's hashed bundles never change under one name; index.html names the current ones.
        const immutable = file.startsWith(join(root, 'assets') + sep);
        reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        // RFC 9239's type, which send's mime table still spells application/javascript.
        if (file.endsWith('.js')) reply.header('content-type', 'text/javascript; charset=utf-8');
      },
    });
  }

  // The handlers below send and return nothing: each reply returned (a thenable) adds listeners
  // to the response until it ends, which a missing file's detour through here would pile up.
  app.setNotFoundHandler((request, reply) => {
    if (built && (request.method === 'GET' || request.method === 'HEAD') && !isServerPath(request.url)) {
      reply.sendFile('index.html');
      return;
    }
    reply
      .status(404)
      .send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url}` } });
  });

  app.get(
    '/*',
    {
      // A path @fastify/static refuses (403: it would leave the folder or is not canonical) names
      // no editor file; answer it as one that is missing.
      errorHandler: (error, request, reply) => {
        if (error.statusCode === 403) reply.callNotFound();
        else sendError(request, reply, error);
      },
    },
    (request, reply) => {
      if (isServerPath(request.url)) reply.callNotFound();
      else if (!built) reply.type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
      // The router has decoded the path once; @fastify/send reads it as given (no second decode).
      else reply.sendFile((request.params as { '*': string })['*'] ?? '');
    },
  );
}

/** Paths the server itself answers: they never fall back to the editor. */
function isServerPath(url: string): boolean {
  return url.startsWith('/api/') || url.startsWith('/hooks/');
}
