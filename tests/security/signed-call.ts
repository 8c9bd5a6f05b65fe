// Headers of an HMAC-signed webhook call, as a sender computes them.
import { signWebhook } from '../../server/triggers/verify-webhook.ts';

export function signedHeaders(
  secret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-r1flow-timestamp': String(timestamp),
    'x-r1flow-signature': signWebhook(secret, timestamp, body),
  };
}
