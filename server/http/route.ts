// Routes are declared with zod schemas for params, query and body; the same schemas validate
// every request (400 with the failing paths) and describe the API in /api/openapi.json. Who may
// call a route is not said here but in the route permission table (route-permissions.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { R1flowError } from '../../engine/errors.ts';
import { joinPath } from '../../engine/validate-flow.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  url: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Status → description of the success responses, for the OpenAPI document. */
  responses?: Record<number, string>;
  handler(
    input: { params: z.output<P>; query: z.output<Q>; body: z.output<B> },
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<unknown>;
}

export interface RegisteredRoute {
  method: Method;
  url: string;
  summary: string;
  tag: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  responses?: Record<number, string>;
}

export class RouteTable {
  readonly routes: RegisteredRoute[] = [];

  add<
    P extends z.ZodType = z.ZodUnknown,
    Q extends z.ZodType = z.ZodUnknown,
    B extends z.ZodType = z.ZodUnknown,
  >(app: FastifyInstance, spec: RouteSpec<P, Q, B>): void {
    this.routes.push(spec);
    app.route({
      method: spec.method,
      url: spec.url,
      handler: async (request, reply) => {
        const params = parsePart(spec.params, request.params, 'params');
        const query = parsePart(spec.query, request.query, 'query');
        const body = parsePart(spec.body, request.body, 'body');
        return spec.handler(
          { params: params as z.output<P>, query: query as z.output<Q>, body: body as z.output<B> },
          request,
          reply,
        );
      },
    });
  }
}

function parsePart(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return value;
  const parsed = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: joinPath(where, issue.path),
    message: issue.message,
  }));
  throw new R1flowError(
    'BAD_REQUEST',
    `invalid ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    {
      path: issues[0]?.path ?? where,
      data: { issues },
    },
  );
}

/** A duration like `30s`, `500ms`, `2m` or plain seconds. */
export const DurationSchema = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m)?$/, 'use a duration like 30s, 500ms or 2m')
  .transform((text) => {
    const value = Number.parseFloat(text);
    if (text.endsWith('ms')) return value;
    if (text.endsWith('m')) return value * 60_000;
    return value * 1000;
  });
