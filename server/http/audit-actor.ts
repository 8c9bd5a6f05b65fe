// Who sent a request, as the audit log names them: the caller the auth hook decided on (a user, an
// API key, the loopback operator), by the user's id when there is one so a user's entries are found
// whichever way they signed in.
import type { FastifyRequest } from 'fastify';
import { type AuditActor, auditActorOf } from '../../engine/store/audit-records.ts';
import { requestActor } from './auth-hook.ts';

export function auditActor(request: FastifyRequest): AuditActor {
  return auditActorOf(requestActor(request));
}
