// The actor of a CLI command in the audit log: the operating-system user who ran it (the CLI
// opens the store directly, so whoever can run it can read and write the store anyway).
import { userInfo } from 'node:os';
import type { AuditActor } from '../../engine/store/audit-records.ts';

export function cliActor(): AuditActor {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? 'unknown';
  }
  return { kind: 'cli', id: `cli:${name}`, name };
}
