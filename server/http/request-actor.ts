// Who sent a request, as the audit log names them: the API key it carried (`key`) or the editor
// session signed in with one (`session`), by the key's id and name. Null while the API is open
// (loopback without --require-key), where nobody authenticates.
import type { FastifyRequest } from 'fastify';
import type { AuditActor } from '../../engine/store/audit-records.ts';
import type { ServerContext } from './server-context.ts';

export async function requestActor(
  context: ServerContext,
  request: FastifyRequest,
): Promise<AuditActor | null> {
  const credential = request.credential;
  if (!credential) return null;
  const name = (await context.apiKeys.nameOf(credential.keyId)) ?? credential.keyId;
  return { kind: credential.expiresAt === null ? 'key' : 'session', id: credential.keyId, name };
}
