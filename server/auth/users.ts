// Local users: create, list, change, remove; sign-in by password; and the principal a request
// acts as (actor, role in the project, table access). Names are case-insensitive and never
// secret; a failed sign-in says the same for an unknown name and a wrong password.
import type { Actor, RunAccess } from '../../engine/actor.ts';
import { R1flowError } from '../../engine/errors.ts';
import { newId } from '../../engine/ids.ts';
import { DEFAULT_PROJECT, PROJECT_NAME } from '../../engine/projects.ts';
import type { Role, StoredUser, UserRecords } from '../../engine/store/user-records.ts';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.ts';
import { serverRole } from './permissions.ts';

export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

export type UserInfo = Omit<StoredUser, 'passwordHash'> & { hasPassword: boolean };

/** Who a request or run acts as, and what their role allows. */
export interface Principal {
  actor: Actor;
  /** The role on the server (serverRole); `admin` holds admin in every project too. */
  role: Role;
  /** The role in each project the user belongs to (see project-access.ts). */
  projects: Readonly<Record<string, Role>>;
  /** The user behind the request; null for the loopback operator and keys made before users. */
  userId: string | null;
  /** The user's own table limits, handed to the runs they start. */
  access: RunAccess | null;
  /** The limits of their role per project, applied on top of `access` to runs of that project. */
  projectAccess: Readonly<Record<string, RunAccess>>;
}

export interface NewUser {
  name: string;
  role: Role;
  project?: string | undefined;
  password?: string | undefined;
}

export interface UserUpdate {
  role?: Role | null | undefined;
  project?: string | undefined;
  disabled?: boolean | undefined;
  password?: string | undefined;
  access?: RunAccess | null | undefined;
  /** Table limits of the user's role in `project` (null lifts them). */
  roleAccess?: RunAccess | null | undefined;
}

/** A hash no password matches, verified for unknown names so they take as long as known ones. */
let noUserHash: Promise<string> | undefined;
const dummyHash = () => (noUserHash ??= hashPassword('r1flow-no-such-user'));

export class UserDirectory {
  readonly #records: UserRecords;

  constructor(records: UserRecords) {
    this.#records = records;
  }

  async add(user: NewUser): Promise<UserInfo> {
    checkName(user.name);
    const project = checkProject(user.project ?? DEFAULT_PROJECT);
    if (await this.#records.byName(user.name)) {
      throw new R1flowError('USER_EXISTS', `a user named "${user.name}" exists already`);
    }
    const stored: Omit<StoredUser, 'disabledAt' | 'access' | 'roleAccess'> = {
      id: newId('usr_', 8),
      name: user.name,
      passwordHash: user.password === undefined ? null : await hashPassword(checkPassword(user.password)),
      roles: { [project]: user.role },
      createdAt: Date.now(),
    };
    await this.#records.insert(stored);
    return info({ ...stored, disabledAt: null, access: null, roleAccess: {} });
  }

  async list(): Promise<UserInfo[]> {
    return (await this.#records.list()).map(info);
  }

  async count(): Promise<number> {
    return this.#records.count();
  }

  async get(name: string): Promise<UserInfo> {
    return info(await this.#named(name));
  }

  async update(name: string, change: UserUpdate): Promise<UserInfo> {
    const user = await this.#named(name);
    const demotes =
      change.role !== undefined &&
      (change.project ?? DEFAULT_PROJECT) === DEFAULT_PROJECT &&
      change.role !== 'admin';
    if (demotes || change.disabled === true) await this.#keepAnAdmin(user);
    if (change.role !== undefined) {
      const project = checkProject(change.project ?? DEFAULT_PROJECT);
      await this.#records.update(user.id, { kind: 'role', project, role: change.role });
    }
    if (change.disabled !== undefined) {
      await this.#records.update(user.id, { kind: 'disabled', at: change.disabled ? Date.now() : null });
    }
    if (change.password !== undefined) {
      const hash = await hashPassword(checkPassword(change.password));
      await this.#records.update(user.id, { kind: 'password', hash });
    }
    if (change.access !== undefined)
      await this.#records.update(user.id, { kind: 'access', access: change.access });
    if (change.roleAccess !== undefined) {
      const project = checkProject(change.project ?? DEFAULT_PROJECT);
      const access = change.roleAccess;
      if (!(await this.#records.update(user.id, { kind: 'roleAccess', project, access }))) {
        throw new R1flowError(
          'BAD_REQUEST',
          `"${user.name}" has no role in project "${project}" to limit; give them one first`,
        );
      }
    }
    return this.get(user.name);
  }

  /** Removes the user with their roles and API keys. */
  async remove(name: string): Promise<UserInfo> {
    const user = await this.#named(name);
    await this.#keepAnAdmin(user);
    await this.#records.remove(user.id);
    return info(user);
  }

  /** The user behind a name and password; LOGIN_FAILED (never saying which was wrong) otherwise. */
  async signIn(name: string, password: string): Promise<StoredUser> {
    const user = USER_NAME.test(name) ? await this.#records.byName(name) : null;
    const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
    if (!user?.passwordHash || !matches) {
      throw new R1flowError('LOGIN_FAILED', 'wrong user name or password');
    }
    if (user.disabledAt !== null) throw disabled(user.name);
    return user;
  }

  /**
   * What user `userId` may do, acting as `actor` (themselves, or one of their keys): their role
   * in each project and on the server. USER_DISABLED for a disabled user (and so their keys),
   * PERMISSION_DENIED for one with no role in any project.
   */
  async principal(userId: string, actor: Omit<Actor, 'name' | 'userId'>): Promise<Principal> {
    const user = await this.#records.byId(userId);
    if (!user) throw new R1flowError('AUTH_FORBIDDEN', 'the user behind this key or session was removed');
    if (user.disabledAt !== null) throw disabled(user.name);
    const role = serverRole(user.roles);
    if (!role) {
      throw new R1flowError('PERMISSION_DENIED', `user "${user.name}" has no role in any project`);
    }
    return {
      actor: { ...actor, name: user.name, userId: user.id },
      role,
      projects: user.roles,
      userId: user.id,
      access: user.access,
      projectAccess: user.roleAccess,
    };
  }

  /** Whether the user still may act (exists, not disabled): long-lived streams re-check it. */
  async isActive(userId: string): Promise<boolean> {
    const user = await this.#records.byId(userId);
    return user !== null && user.disabledAt === null;
  }

  /** Refuses to remove, disable or demote the last active admin: nobody could manage users after. */
  async #keepAnAdmin(user: StoredUser): Promise<void> {
    if (user.roles[DEFAULT_PROJECT] !== 'admin' || user.disabledAt !== null) return;
    const admins = (await this.#records.list()).filter(
      (other) => other.roles[DEFAULT_PROJECT] === 'admin' && other.disabledAt === null,
    );
    if (admins.length <= 1) {
      throw new R1flowError(
        'LAST_ADMIN',
        `"${user.name}" is the last active admin; make another admin first`,
      );
    }
  }

  async #named(name: string): Promise<StoredUser> {
    const user = await this.#records.byName(name);
    if (!user) throw new R1flowError('USER_NOT_FOUND', `no user named "${name}" (see "r1flow users list")`);
    return user;
  }
}

function info({ passwordHash, ...user }: StoredUser): UserInfo {
  return { ...user, hasPassword: passwordHash !== null };
}

function disabled(name: string): R1flowError {
  return new R1flowError(
    'USER_DISABLED',
    `user "${name}" is disabled; their sessions and API keys no longer work`,
  );
}

function checkName(name: string): void {
  if (!USER_NAME.test(name)) {
    throw new R1flowError(
      'BAD_REQUEST',
      `"${name}" is not a user name: use up to 64 letters, digits and _ . @ -, starting with a letter or digit`,
    );
  }
}

function checkProject(project: string): string {
  if (!PROJECT_NAME.test(project)) {
    throw new R1flowError(
      'BAD_REQUEST',
      `"${project}" is not a project name: lower-case letters, digits, _ and -`,
    );
  }
  return project;
}

function checkPassword(password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new R1flowError(
      'BAD_REQUEST',
      `the password is too short: use at least ${MIN_PASSWORD_LENGTH} characters`,
    );
  }
  return password;
}
