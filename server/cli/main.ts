// The `r1flow` command line: dispatches to one module per command. Results go to stdout
// (JSON where a program reads them), progress and diagnostics to stderr. Only the chosen command's
// module is imported (see command.ts).
import { isR1flowError } from '../../engine/errors.ts';
import { packageVersion } from '../../engine/package-root.ts';
import { type CommandEntry, commandEntries } from './command.ts';

async function main(argv: string[]): Promise<number> {
  const commands = await commandEntries();
  const [first] = argv;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(helpText(commands));
    return first ? 0 : 2;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === first);
  if (!command) {
    process.stderr.write(`r1flow: unknown command "${first}"\n\n${helpText(commands)}`);
    return 2;
  }
  const args = argv.slice(1);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`usage: r1flow ${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  return (await command.load()).run(args);
}

function helpText(commands: readonly CommandEntry[]): string {
  const lines = commands.map((c) => `  r1flow ${c.usage.split('\n')[0]}\n      ${c.summary}`);
  return `r1flow — workflows for natural-language-to-SQL pipelines\n\n${lines.join('\n')}\n\nRun "r1flow COMMAND --help" for details.\n`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (isR1flowError(error)) process.stderr.write(`error ${error.code}: ${error.message}\n`);
    else
      process.stderr.write(
        `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    process.exitCode = 1;
  },
);
