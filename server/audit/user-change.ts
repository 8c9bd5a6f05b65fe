// What an audit entry says about a change to a user, from the API or the CLI alike: the fields
// that were set, and a new password only as "changed".
import type { UserUpdate } from '../auth/users.ts';

export function userChangeDetail(change: UserUpdate): Record<string, unknown> {
  const { password, ...rest } = change;
  const set = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  return password === undefined ? set : { ...set, password: 'changed' };
}
