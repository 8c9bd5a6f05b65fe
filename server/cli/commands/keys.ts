import { openStore } from '../../../engine/store/open-store.ts';
import { AuditTrail } from '../../audit/audit-trail.ts';
import { cliActor } from '../../audit/cli-actor.ts';
import { ApiKeys } from '../../auth/api-keys.ts';
import { UserDirectory } from '../../auth/users.ts';
import { parseFlags, type StoreFlagValues, storeFlags, storeLocation } from '../options.ts';
import { defineCommandGroup } from './command-group.ts';

async function withKeys<T>(
  flags: StoreFlagValues,
  use: (keys: ApiKeys, users: UserDirectory, audit: AuditTrail) => Promise<T>,
): Promise<T> {
  const store = await openStore(storeLocation(flags));
  try {
    return await use(new ApiKeys(store.apiKeys), new UserDirectory(store.users), new AuditTrail(store.audit));
  } finally {
    await store.close();
  }
}

const createUsage = 'keys create --user NAME [--name KEY_NAME] [--store PATH|URL]';
const listUsage = 'keys list [--json] [--store PATH|URL]';
const revokeUsage = 'keys revoke ID [--store PATH|URL]';

export const keysCommand = defineCommandGroup('keys', 'Create, list and revoke API keys', [
  {
    name: 'create',
    summary: 'Create an API key acting as a user (printed once; stored hashed)',
    usage: createUsage,
    async run(argv) {
      const { values } = parseFlags(
        argv,
        { ...storeFlags, name: { type: 'string' }, user: { type: 'string' } },
        createUsage,
      );
      // Without --user the key acts as an admin, as keys did before users existed. The entry names
      // the new key (its id comes with the result); the key itself is printed once, below.
      const created = await withKeys(values, async (keys, users, audit) => {
        const userId = values.user === undefined ? null : (await users.get(values.user)).id;
        return audit.around(
          { kind: 'key.create', actor: cliActor(), target: null },
          () => keys.create(values.name ?? values.user ?? 'default', userId),
          ({ info }) => ({ detail: { id: info.id, name: info.name } }),
        );
      });
      process.stderr.write(
        `created key ${created.info.id} (${created.info.name}); store it now, it is not shown again:\n`,
      );
      process.stdout.write(`${created.key}\n`);
      return 0;
    },
  },
  {
    name: 'list',
    summary: 'List API keys (id, name, prefix, last use)',
    usage: listUsage,
    async run(argv) {
      const { values } = parseFlags(argv, { ...storeFlags, json: { type: 'boolean' } }, listUsage);
      const list = await withKeys(values, (keys) => keys.list());
      if (values.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      else {
        for (const key of list) {
          const state = key.revokedAt ? 'revoked' : 'active';
          const used = key.lastUsedAt ? new Date(key.lastUsedAt).toISOString() : 'never';
          process.stdout.write(`${key.id}  ${key.prefix}…  ${key.name}  ${state}  last used ${used}\n`);
        }
        if (list.length === 0) process.stdout.write('no API keys\n');
      }
      return 0;
    },
  },
  {
    name: 'revoke',
    summary: 'Revoke an API key by id (or prefix)',
    usage: revokeUsage,
    async run(argv) {
      const { values, positionals } = parseFlags(argv, { ...storeFlags }, revokeUsage);
      const [id] = positionals;
      if (!id) {
        process.stderr.write(`usage: r1flow ${revokeUsage}\n`);
        return 2;
      }
      const revoked = await withKeys(values, (keys, _users, audit) =>
        audit.around({ kind: 'key.revoke', actor: cliActor(), target: id }, () => keys.revoke(id)),
      );
      process.stdout.write(`revoked ${revoked.id} (${revoked.name})\n`);
      return 0;
    },
  },
]);
