// Runs the sim-llm CLI command in a child process for the process tests, as `r1flow sim-llm` would.
import command from '../../../server/cli/commands/sim-llm.ts';

process.exitCode = await command.run(process.argv.slice(2));
