// The OpenAPI 3.1 document, built from the same zod schemas that validate requests.
import { z } from 'zod';
import type { RegisteredRoute } from './route.ts';
import { routeRule } from './route-permissions.ts';

export function buildOpenApi(routes: readonly RegisteredRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      responses: Object.fromEntries(
        Object.entries(route.responses ?? { 200: 'OK' }).map(([status, description]) => [
          status,
          { description },
        ]),
      ),
    };
    // Public routes (the sign-in routes) need no key, whatever the document's default says.
    if (routeRule(route.method, route.url) === 'public') operation.security = [];
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: toSchema(route.body, 'input') } },
      };
    }
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'r1flow API',
      version,
      description:
        'Flows, runs, live run events and the node catalog. A flow has one mutable draft (PUT /api/flows/{id}/draft) and immutable versions; publishing (POST /api/flows/{id}/publish, with a note, gated by its test set) picks the version its webhooks and schedules run. Send an API key as `Authorization: Bearer <key>` (required when the server listens beyond loopback).',
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } },
    },
    security: [{ apiKey: [] }],
    paths,
  };
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

function toSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}
