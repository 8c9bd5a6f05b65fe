// r1flow's request signature, the same on both sides: `http.request` signs what it sends and
// r1flow's webhooks verify what they receive (server/triggers/verify-webhook.ts).
// `X-R1flow-Timestamp: <unix seconds>`, `X-R1flow-Signature: sha256=<hex HMAC-SHA256(secret,
// "<timestamp>.<raw body>")>`: the timestamp is signed with the body so a receiver can refuse old
// replays.
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-R1flow-Signature';
export const TIMESTAMP_HEADER = 'X-R1flow-Timestamp';

export function signWebhook(secret: string, timestamp: number, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}
