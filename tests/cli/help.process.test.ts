// `--help` as a new user meets it: every flag the README's CLI section shows for a command is in
// that command's help, and command groups (`runs`, `keys`) print their subcommands and exit 0.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.ts';

/** `r1flow <command> …` lines of the README's CLI section, with the flags each one shows. */
function readmeCommands(): { command: string; flags: string[] }[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('\n## CLI'),
    readme.indexOf('\n## ', readme.indexOf('\n## CLI') + 1),
  );
  const block = section.slice(section.indexOf('```'), section.indexOf('```', section.indexOf('```') + 3));
  return block
    .split('\n')
    .filter((line) => line.startsWith('r1flow '))
    .map((line) => ({
      command: line.split(/\s+/)[1]!,
      flags: [...new Set(line.match(/--[a-z][a-z-]*/g) ?? [])],
    }));
}

describe('r1flow COMMAND --help', () => {
  const commands = readmeCommands();

  it('the README documents the commands this test reads', () => {
    expect(commands.map((c) => c.command)).toEqual(
      expect.arrayContaining([
        'start',
        'worker',
        'run',
        'validate',
        'runs',
        'eval',
        'vote',
        'sim-llm',
        'keys',
      ]),
    );
    expect(commands.find((c) => c.command === 'start')!.flags).toEqual(
      expect.arrayContaining(['--port', '--redis', '--lanes', '--require-key', '--llm']),
    );
  });

  for (const { command, flags } of readmeCommands()) {
    it(`${command} --help lists every flag the README shows for it (${flags.join(' ') || 'none'})`, async () => {
      const result = await runCli([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^usage: r1flow ${command}`));
      for (const flag of flags) expect(result.stdout).toMatch(new RegExp(`${flag}\\b`));
    });
  }

  for (const [group, subcommands] of [
    ['runs', ['list', 'show', 'cancel', 'resume', 'prune']],
    ['keys', ['create', 'list', 'revoke']],
    ['connections', ['add', 'list', 'test', 'remove']],
    ['flows', ['list', 'disable', 'enable']],
  ] as const) {
    it(`${group} --help prints each subcommand's usage and exits 0; ${group} alone exits 2`, async () => {
      const help = await runCli([group, '--help']);
      expect(help.code).toBe(0);
      expect(help.stderr).toBe('');
      for (const sub of subcommands) expect(help.stdout).toContain(`r1flow ${group} ${sub}`);

      const bare = await runCli([group]);
      expect(bare.code).toBe(2);
      expect(bare.stderr).toContain(`r1flow ${group}: choose one of:`);
      const unknown = await runCli([group, 'frobnicate']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain(`unknown subcommand "frobnicate"`);
    });
  }
});
