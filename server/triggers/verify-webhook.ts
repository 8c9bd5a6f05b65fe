// Webhook authentication. HMAC mode: the caller sends `X-R1flow-Timestamp: <unix seconds>` and
// `X-R1flow-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`; timestamps
// outside the replay window are refused, and the caller refuses a signature it already accepted
// (see server/auth/replay-guard.ts). Token mode: `Authorization: Bearer <token>`.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { R1flowError } from '../../engine/errors.ts';
import { signWebhook } from '../../nodes/http/hmac-signature.ts';
import type { WebhookParams } from '../../nodes/trigger/webhook.node.ts';
import type { TriggerStore } from './trigger-store.ts';

export { signWebhook };

/** Throws unless the call is authentic; returns the verified signature in HMAC mode. */
export async function verifyWebhook(
  triggers: TriggerStore,
  trigger: { id: string; config: WebhookParams },
  headers: IncomingHttpHeaders,
  body: Buffer,
  nowMs = Date.now(),
): Promise<{ signature: string; timestamp: number } | null> {
  if (trigger.config.auth === 'token') {
    const header = headers.authorization;
    const token = header?.startsWith('Bearer ')
      ? header.slice(7).trim()
      : headerValue(headers, 'x-r1flow-token');
    if (!token) throw new R1flowError('AUTH_REQUIRED', 'this webhook needs "Authorization: Bearer <token>"');
    if (!(await triggers.verifyToken(trigger.id, token)))
      throw new R1flowError('AUTH_FORBIDDEN', 'the webhook token is not valid');
    return null;
  }
  const timestampText = headerValue(headers, 'x-r1flow-timestamp');
  const signature = headerValue(headers, 'x-r1flow-signature');
  if (!timestampText || !signature) {
    throw new R1flowError(
      'AUTH_REQUIRED',
      'this webhook needs X-R1flow-Timestamp and X-R1flow-Signature headers',
    );
  }
  const timestamp = Number(timestampText);
  if (!Number.isInteger(timestamp))
    throw new R1flowError('AUTH_FORBIDDEN', 'X-R1flow-Timestamp must be unix seconds');
  const skew = Math.abs(nowMs / 1000 - timestamp);
  if (skew > trigger.config.replayWindowSeconds) {
    throw new R1flowError(
      'AUTH_FORBIDDEN',
      `the signed timestamp is ${Math.round(skew)} s away from the server's clock (allowed: ${trigger.config.replayWindowSeconds} s)`,
    );
  }
  const secret = await triggers.hmacSecret(trigger.id);
  if (!secret)
    throw new R1flowError('AUTH_FORBIDDEN', 'this webhook has no secret yet; rotate it in the API');
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new R1flowError('AUTH_FORBIDDEN', 'the webhook signature does not match the body');
  }
  return { signature, timestamp };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
