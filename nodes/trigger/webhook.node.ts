// Starts a flow from an HTTP call: `POST /hooks/<path>`. The server verifies the caller (HMAC over
// timestamp + body, or a token), limits body size and rate, checks the body against the fields,
// and the body becomes the run's input.
import { z } from 'zod';
import { defineNode } from '../../engine/define-node.ts';
import { fieldsTrigger, InputFieldsSchema, STARTER_FIELDS } from './input-fields.ts';

export const WebhookParamsSchema = z.object({
  path: z
    .string()
    .regex(/^[a-z0-9][a-z0-9/_-]{0,99}$/, 'use lower-case letters, digits, / _ - (the URL is /hooks/<path>)')
    .describe('The hook is served at POST /hooks/<path>'),
  auth: z
    .enum(['hmac', 'token'])
    .default('hmac')
    .describe(
      'hmac: X-R1flow-Signature = sha256 HMAC of "<timestamp>.<body>"; token: Authorization: Bearer <token>',
    ),
  responseMode: z
    .enum(['async', 'sync'])
    .default('async')
    .describe('async answers 202 with the run id; sync waits for the result (up to syncTimeoutMs, then 202)'),
  syncTimeoutMs: z.number().int().min(100).max(300_000).default(30_000),
  maxBodyBytes: z.number().int().min(16).max(10_485_760).default(1_048_576),
  replayWindowSeconds: z
    .number()
    .int()
    .min(10)
    .max(86_400)
    .default(300)
    .describe('How old a signed timestamp may be'),
  rateLimitPerMinute: z.number().int().min(1).max(1_000_000).default(600),
  fields: InputFieldsSchema,
});
export type WebhookParams = z.output<typeof WebhookParamsSchema>;

export default defineNode({
  type: 'trigger.webhook',
  version: 1,
  title: 'Webhook trigger',
  family: 'trigger',
  lane: 'cpu',
  description: 'Starts a run when an app POSTs to /hooks/<path>; the JSON body is the run input.',
  params: WebhookParamsSchema,
  starterParams: { fields: STARTER_FIELDS },
  ...fieldsTrigger,
});
