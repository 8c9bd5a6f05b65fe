// Commands with subcommands (`runs list`, `keys create`, …) are one command to main.ts: the group
// dispatches on its first argument, so `r1flow runs --help` prints every subcommand's usage and
// exits 0, and `r1flow runs` alone lists them and exits 2.
import type { CliCommand } from '../command.ts';
import { defineCommand } from '../command.ts';

/** A subcommand is a command whose name is the word after the group's (`list`), and whose usage is
 * the whole line after `r1flow` (`runs list [--json]`). */
export type Subcommand = CliCommand;

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
