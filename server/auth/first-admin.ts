// The first start of a store creates an admin, so a server that asks for sign-in can be signed
// into. The password comes from R1FLOW_ADMIN_PASSWORD, or is made up and shown once (on the
// terminal, never in the structured log, which is copied and kept).

import { auditActorOf } from '../../engine/store/audit-records.ts';
import type { AuditTrail } from '../audit/audit-trail.ts';
import { randomPassword } from './passwords.ts';
import type { UserDirectory } from './users.ts';

export const ADMIN_PASSWORD_ENV = 'R1FLOW_ADMIN_PASSWORD';
export const FIRST_ADMIN_NAME = 'admin';

export interface FirstAdmin {
  name: string;
  /** The made-up password, to show once; null when it came from the environment. */
  generatedPassword: string | null;
}

/**
 * Creates the first admin when the store has no users, with an audit entry saying where the
 * password came from (never the password); null when it has some.
 */
export async function ensureFirstAdmin(
  users: UserDirectory,
  environment: Readonly<Record<string, string | undefined>>,
  audit: AuditTrail,
): Promise<FirstAdmin | null> {
  if ((await users.count()) > 0) return null;
  const given = environment[ADMIN_PASSWORD_ENV] || undefined;
  const password = given ?? randomPassword();
  await audit.around(
    {
      kind: 'user.add',
      actor: auditActorOf({ kind: 'system', id: null, name: 'first start' }),
      target: FIRST_ADMIN_NAME,
      detail: {
        role: 'admin',
        project: 'default',
        password: given === undefined ? 'generated, shown once on the terminal' : ADMIN_PASSWORD_ENV,
      },
    },
    () => users.add({ name: FIRST_ADMIN_NAME, role: 'admin', password }),
  );
  return { name: FIRST_ADMIN_NAME, generatedPassword: given === undefined ? password : null };
}

/** What the terminal shows once after creating the first admin. */
export function firstAdminNotice(admin: FirstAdmin, url: string): string {
  const password =
    admin.generatedPassword === null
      ? `the password in ${ADMIN_PASSWORD_ENV}`
      : `password ${admin.generatedPassword} (shown this once; change it with "r1flow users passwd ${admin.name}")`;
  return `created the first admin: sign in at ${url} as "${admin.name}" with ${password}\n`;
}
