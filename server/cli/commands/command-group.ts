// Commands with subcommands (`runs list`, `keys create`, …) are one command to main.ts: the group
// dispatches on its first argument, so `r1flow runs --help` prints every subcommand's usage and
// exits 0, and `r1flow runs` alone lists them and exits 2.
import type { CliCommand } from '../command.ts';
import { defineCommand } from '../command.ts';

export interface Subcommand {
  /** The word after the group's name, e.g. `list`. */
  name: string;
  summary: string;
  /** The whole usage after `r1flow`, e.g. `runs show RUN_ID [--json] [--db PATH]`. */
  usage: string;
  run(argv: string[]): Promise<number>;
}

export function defineCommandGroup(name: string, summary: string, subcommands: Subcommand[]): CliCommand {
  const list = subcommands.map((sub) => `  r1flow ${sub.usage}\n      ${sub.summary}`).join('\n');
  return defineCommand({
    name,
    summary,
    usage: `${name} ${subcommands.map((sub) => sub.name).join('|')} …\n\n${list}`,
    async run(argv) {
      const [word, ...rest] = argv;
      const sub = subcommands.find((candidate) => candidate.name === word);
      if (!sub) {
        const problem = word === undefined ? 'choose one of' : `unknown subcommand "${word}"; choose one of`;
        process.stderr.write(`r1flow ${name}: ${problem}:\n${list}\n`);
        return 2;
      }
      return sub.run(rest);
    },
  });
}
