// `r1flow flows`: list flows with their published version and switch them on or off in the
// store. A running server sees the switch at once: webhooks read it on each call, and a
// schedule checks it before each tick.
import { openStore } from '../../../engine/store/open-store.ts';
import type { Store } from '../../../engine/store/store.ts';
import { parseFlags, type StoreFlagValues, storeFlags, storeLocation } from '../options.ts';
import { defineCommandGroup } from './command-group.ts';

async function withStore<T>(flags: StoreFlagValues, use: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(storeLocation(flags));
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

const listUsage = 'flows list [--json] [--store PATH|URL]';

function switchCommand(enabled: boolean) {
  const name = enabled ? 'enable' : 'disable';
  const usage = `flows ${name} FLOW_ID [--store PATH|URL]`;
  return {
    name,
    summary: enabled
      ? 'Switch a flow on: its webhooks answer and its schedules fire again'
      : 'Switch a flow off: its webhooks answer 404 FLOW_DISABLED and its schedules stop',
    usage,
    async run(argv: string[]) {
      const { values, positionals } = parseFlags(argv, { ...storeFlags }, usage);
      const [id] = positionals;
      if (!id) {
        process.stderr.write(`usage: r1flow ${usage}\n`);
        return 2;
      }
      await withStore(values, (store) => store.setFlowEnabled(id, enabled));
      process.stdout.write(`${id} switched ${enabled ? 'on' : 'off'}\n`);
      return 0;
    },
  };
}

export const flowsCommand = defineCommandGroup('flows', 'List flows and switch them on or off', [
  {
    name: 'list',
    summary: 'List flows: id, published version, latest version, on or off',
    usage: listUsage,
    async run(argv) {
      const { values } = parseFlags(argv, { ...storeFlags, json: { type: 'boolean' } }, listUsage);
      const flows = await withStore(values, (store) => store.listFlows());
      if (values.json) process.stdout.write(`${JSON.stringify(flows, null, 2)}\n`);
      else {
        for (const flow of flows) {
          const published =
            flow.publishedVersion === null ? 'never published' : `published v${flow.publishedVersion}`;
          const latest = flow.latestVersion === 0 ? 'draft only' : `latest v${flow.latestVersion}`;
          process.stdout.write(
            `${flow.id}  ${published}  ${latest}  ${flow.enabled ? 'on' : 'off'}  ${flow.name}\n`,
          );
        }
        if (flows.length === 0) process.stdout.write('no flows\n');
      }
      return 0;
    },
  },
  switchCommand(false),
  switchCommand(true),
]);
