// A CLI command is plain data plus a run function; main.ts dispatches on the first argument.
// Commands print results (JSON, the EX line) on stdout and progress on stderr, and return the
// exit code, so they stay scriptable.

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
