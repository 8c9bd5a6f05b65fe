// The command table the build writes for the compiled CLI (dist/server/cli/command-table.json):
// built here from the sources, it must list every command in help order with the module and
// export that hold it, so the compiled CLI can import that one module alone.
import { describe, expect, it } from 'vitest';
import { buildCommandTable, type CliCommand } from '../../server/cli/command.ts';
import { loadCommands } from '../../server/cli/commands/index.ts';

describe('buildCommandTable', () => {
  it('lists every command in help order, with texts and the module export holding it', async () => {
    const commands = await loadCommands();
    const rows = await buildCommandTable();
    expect(rows.map((row) => row.name)).toEqual(commands.map((command) => command.name));
    for (const [i, row] of rows.entries()) {
      const command = commands[i]!;
      expect(row).toMatchObject({ summary: command.summary, usage: command.usage });
      const module = (await import(`../../server/cli/commands/${row.module}`)) as Record<string, unknown>;
      const exported = module[row.export];
      expect(Array.isArray(exported) ? (exported as CliCommand[]) : [exported]).toContain(command);
    }
    expect(rows.find((row) => row.name === 'runs')).toMatchObject({
      module: 'runs.ts',
      export: 'runsCommand',
    });
    expect(rows.find((row) => row.name === 'vote')).toMatchObject({ module: 'vote.ts', export: 'default' });
  });
});
