// Ids that sort by creation time (base-36 milliseconds) and carry no `:` (BullMQ refuses colons
// in custom job ids, and run ids are part of job ids).
import { randomBytes } from 'node:crypto';

export function newRunId(now = Date.now()): string {
  return `r${now.toString(36)}${randomBytes(5).toString('hex')}`;
}

export function newId(prefix: string, bytes = 8): string {
  return `${prefix}${randomBytes(bytes).toString('hex')}`;
}
