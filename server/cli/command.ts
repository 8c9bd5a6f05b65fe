// A CLI command is plain data plus a run function; main.ts dispatches on the first argument.
// Commands print results (JSON, the EX line) on stdout and progress on stderr, and return the
// exit code, so they stay scriptable.
//
// The command table: from dist/, `--help` and dispatch read command-table.json, written by the build
// beside this module, so `r1flow --help` imports no command and `r1flow vote` imports only vote's
// module (importing all of them, Fastify and BullMQ included, cost over a second at every start).
// From the sources every command is imported, so nothing there can go stale.
import { readdirSync, readFileSync } from 'node:fs';
import { R1flowError } from '../../engine/errors.ts';
import { RUNNING_FROM_SOURCES } from '../../engine/package-root.ts';

export interface CliCommand {
  /** The word after `r1flow`, e.g. `sim-llm`; nested commands use a space (`runs list`). */
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

export function defineCommand(command: CliCommand): CliCommand {
  return Object.freeze({ ...command });
}

/** What help and dispatch need, and how to import the command itself. */
export interface CommandEntry {
  name: string;
  summary: string;
  usage: string;
  load(): Promise<CliCommand>;
}

/** One row of command-table.json: a command's texts and where its module exports it. */
export interface CommandTableRow {
  name: string;
  summary: string;
  usage: string;
  /** File name in commands/, e.g. `runs.js`. */
  module: string;
  /** The export holding the command or an array of commands. */
  export: string;
}

export const COMMAND_TABLE_FILE = 'command-table.json';
const COMMANDS_DIR = new URL('./commands/', import.meta.url);

export async function commandEntries(): Promise<CommandEntry[]> {
  if (RUNNING_FROM_SOURCES) {
    const { loadCommands } = await import('./commands/index.ts');
    return (await loadCommands()).map((command) => ({ ...command, load: async () => command }));
  }
  const rows = JSON.parse(
    readFileSync(new URL(`./${COMMAND_TABLE_FILE}`, import.meta.url), 'utf8'),
  ) as CommandTableRow[];
  return rows.map((row) => ({
    name: row.name,
    summary: row.summary,
    usage: row.usage,
    async load() {
      const module = (await import(new URL(row.module, COMMANDS_DIR).href)) as Record<string, unknown>;
      const command = exportedCommands(module[row.export]).find((c) => c.name === row.name);
      if (!command) {
        throw new R1flowError(
          'INTERNAL',
          `dist/ is out of date: commands/${row.module} does not export "${row.name}" (run "npm run build")`,
        );
      }
      return command;
    },
  }));
}

/**
 * The rows of command-table.json, in `--help` order: imports every module in commands/ (with this
 * module's own extension) and records which export holds each command that loadCommands() lists.
 */
export async function buildCommandTable(): Promise<CommandTableRow[]> {
  const extension = RUNNING_FROM_SOURCES ? '.ts' : '.js';
  const index = `index${extension}`;
  const found = new Map<string, CommandTableRow>();
  for (const file of readdirSync(COMMANDS_DIR).filter((f) => f.endsWith(extension) && f !== index)) {
    const module = (await import(new URL(file, COMMANDS_DIR).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      for (const command of exportedCommands(value)) {
        found.set(command.name, {
          name: command.name,
          summary: command.summary,
          usage: command.usage,
          module: file,
          export: name,
        });
      }
    }
  }
  const { loadCommands } = (await import(new URL(index, COMMANDS_DIR).href)) as {
    loadCommands(): Promise<CliCommand[]>;
  };
  return (await loadCommands()).map((command) => {
    const row = found.get(command.name);
    if (!row) {
      throw new R1flowError(
        'INTERNAL',
        `command "${command.name}" is not exported by any module in commands/`,
      );
    }
    return row;
  });
}

function exportedCommands(value: unknown): CliCommand[] {
  return (Array.isArray(value) ? value : [value]).filter(
    (item): item is CliCommand =>
      typeof item === 'object' && item !== null && typeof (item as CliCommand).run === 'function',
  );
}
