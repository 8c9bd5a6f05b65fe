// `r1flow users …`: local users with a role per project, their password and table access. Works
// on the store directly (like `keys`), so the first admin can be made before any server runs.
import { createInterface } from 'node:readline';
import { RunAccessSchema } from '../../../engine/actor.ts';
import { R1flowError } from '../../../engine/errors.ts';
import { openStore } from '../../../engine/store/open-store.ts';
import { ROLES, type Role } from '../../../engine/store/user-records.ts';
import { AuditTrail } from '../../audit/audit-trail.ts';
import { cliActor } from '../../audit/cli-actor.ts';
import { userChangeDetail } from '../../audit/user-change.ts';
import { UserDirectory, type UserUpdate } from '../../auth/users.ts';
import { parseFlags, parseJsonFlag, type StoreFlagValues, storeFlags, storeLocation } from '../options.ts';
import { defineCommandGroup } from './command-group.ts';

/** Opens the store for one command; each change goes through `change`, which records it in the audit log. */
async function withUsers<T>(
  flags: StoreFlagValues,
  use: (users: UserDirectory, change: AuditTrail['around']) => Promise<T>,
): Promise<T> {
  const store = await openStore(storeLocation(flags));
  const audit = new AuditTrail(store.audit);
  try {
    return await use(new UserDirectory(store.users), audit.around.bind(audit));
  } finally {
    await store.close();
  }
}

function role(value: string | undefined, usage: string): Role {
  if (!ROLES.includes(value as Role)) {
    throw new R1flowError(
      'BAD_REQUEST',
      `--role must be one of ${ROLES.join(', ')} (usage: r1flow ${usage})`,
    );
  }
  return value as Role;
}

/** The password from stdin (--password-stdin), a prompt on a terminal, or none (key-only user). */
async function readPassword(fromStdin: boolean | undefined): Promise<string | undefined> {
  if (fromStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
    if (text === '') throw new R1flowError('BAD_REQUEST', '--password-stdin read an empty password');
    return text;
  }
  if (!process.stdin.isTTY) return undefined;
  return promptHidden('password: ');
}

/** Asks on the terminal without echoing what is typed. */
function promptHidden(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput: (text: string) => void };
  process.stderr.write(question);
  output._writeToOutput = () => undefined;
  return new Promise((resolve) =>
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    }),
  );
}

const addUsage =
  'users add NAME --role admin|editor|runner|viewer [--project P] [--password-stdin] [--store PATH|URL]';
const listUsage = 'users list [--json] [--store PATH|URL]';
const removeUsage = 'users remove NAME [--store PATH|URL]';
const passwdUsage = 'users passwd NAME [--password-stdin] [--store PATH|URL]';
const setUsage =
  'users set NAME [--role R|none] [--project P] [--disable|--enable] [--access JSON|none] [--role-access JSON|none] [--store PATH|URL]';

function requireName(name: string | undefined, usage: string): string {
  if (!name) throw new R1flowError('BAD_REQUEST', `a user name is required (usage: r1flow ${usage})`);
  return name;
}

export const usersCommand = defineCommandGroup('users', 'Add, list, change and remove users', [
  {
    name: 'add',
    summary: 'Add a user with a role in a project (password from a prompt or --password-stdin)',
    usage: addUsage,
    async run(argv) {
      const { values, positionals } = parseFlags(
        argv,
        {
          ...storeFlags,
          role: { type: 'string' },
          project: { type: 'string' },
          'password-stdin': { type: 'boolean' },
        },
        addUsage,
      );
      const name = requireName(positionals[0], addUsage);
      const userRole = role(values.role, addUsage);
      const password = await readPassword(values['password-stdin']);
      const user = await withUsers(values, (users, change) =>
        change(
          {
            kind: 'user.add',
            actor: cliActor(),
            target: name,
            detail: {
              role: userRole,
              project: values.project ?? 'default',
              password: password !== undefined,
            },
          },
          () => users.add({ name, role: userRole, project: values.project, password }),
        ),
      );
      const roles = Object.entries(user.roles).map(([p, r]) => `${r} in ${p}`);
      process.stdout.write(
        `added user ${user.name} (${roles.join(', ')})${user.hasPassword ? '' : '; no password: create a key with "r1flow keys create --user NAME"'}\n`,
      );
      return 0;
    },
  },
  {
    name: 'list',
    summary: 'List users: roles per project, password or not, disabled, table access',
    usage: listUsage,
    async run(argv) {
      const { values } = parseFlags(argv, { ...storeFlags, json: { type: 'boolean' } }, listUsage);
      const list = await withUsers(values, (users) => users.list());
      if (values.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      else {
        for (const user of list) {
          const roles =
            Object.entries(user.roles)
              .map(([p, r]) => `${p}:${r}`)
              .join(',') || 'no role';
          const state = user.disabledAt === null ? 'active' : 'disabled';
          const access = [
            ...(user.access ? [`  access ${JSON.stringify(user.access)}`] : []),
            ...Object.entries(user.roleAccess).map(
              ([p, limits]) => `  ${p} access ${JSON.stringify(limits)}`,
            ),
          ].join('');
          process.stdout.write(
            `${user.name}  ${roles}  ${state}${user.hasPassword ? '' : '  key-only'}${access}\n`,
          );
        }
        if (list.length === 0) process.stdout.write('no users\n');
      }
      return 0;
    },
  },
  {
    name: 'remove',
    summary: 'Remove a user with their roles and API keys',
    usage: removeUsage,
    async run(argv) {
      const { values, positionals } = parseFlags(argv, { ...storeFlags }, removeUsage);
      const name = requireName(positionals[0], removeUsage);
      const removed = await withUsers(values, (users, change) =>
        change({ kind: 'user.remove', actor: cliActor(), target: name }, () => users.remove(name)),
      );
      process.stdout.write(`removed user ${removed.name} and their API keys\n`);
      return 0;
    },
  },
  {
    name: 'passwd',
    summary: "Set a user's password (from a prompt or --password-stdin)",
    usage: passwdUsage,
    async run(argv) {
      const { values, positionals } = parseFlags(
        argv,
        { ...storeFlags, 'password-stdin': { type: 'boolean' } },
        passwdUsage,
      );
      const name = requireName(positionals[0], passwdUsage);
      const password = await readPassword(values['password-stdin']);
      if (password === undefined) {
        throw new R1flowError('BAD_REQUEST', 'no password: type it at the prompt or pass --password-stdin');
      }
      await withUsers(values, (users, change) =>
        change(
          { kind: 'user.update', actor: cliActor(), target: name, detail: userChangeDetail({ password }) },
          () => users.update(name, { password }),
        ),
      );
      process.stdout.write(`password of ${name} changed\n`);
      return 0;
    },
  },
  {
    name: 'set',
    summary:
      "Change a user's role in a project, disable or enable them, or set their table access (--access: the user's own; --role-access: their role's in --project)",
    usage: setUsage,
    async run(argv) {
      const { values, positionals } = parseFlags(
        argv,
        {
          ...storeFlags,
          role: { type: 'string' },
          project: { type: 'string' },
          disable: { type: 'boolean' },
          enable: { type: 'boolean' },
          access: { type: 'string' },
          'role-access': { type: 'string' },
        },
        setUsage,
      );
      const name = requireName(positionals[0], setUsage);
      if (values.disable && values.enable)
        throw new R1flowError('BAD_REQUEST', 'give --disable or --enable, not both');
      const accessFlag = (text: string | undefined, flag: string) =>
        text === undefined
          ? undefined
          : text === 'none'
            ? null
            : RunAccessSchema.parse(parseJsonFlag(text, flag));
      const access = accessFlag(values.access, 'access');
      const roleAccess = accessFlag(values['role-access'], 'role-access');
      const update: UserUpdate = {
        ...(values.role === undefined
          ? {}
          : { role: values.role === 'none' ? null : role(values.role, setUsage) }),
        project: values.project,
        ...(values.disable || values.enable ? { disabled: values.disable === true } : {}),
        access,
        roleAccess,
      };
      const user = await withUsers(values, (users, change) =>
        change(
          { kind: 'user.update', actor: cliActor(), target: name, detail: userChangeDetail(update) },
          () => users.update(name, update),
        ),
      );
      process.stdout.write(`${JSON.stringify(user)}\n`);
      return 0;
    },
  },
]);
