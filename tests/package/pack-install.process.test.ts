// The published package: `npm pack` (which runs `prepare`: the dist/ build and the editor build)
// then an install of the tarball in an empty folder, and the installed `r1flow` run from there
// with plain node. What this checks and what it does not:
// - checked: `files` ships the compiled CLI, the command table, the built editor and the example
//   files the runtime reads; the `bin` link works; the compiled CLI and the SQL sandbox child run
//   without tsx (a devDependency, not installed there) and find their files from the package root.
// - not checked: dependency resolution from the registry. Tests send no traffic beyond 127.0.0.1,
//   so the tarball is installed `--offline` with its runtime dependencies already present as
//   symlinks into this checkout's node_modules (only the names in the packed `dependencies`, so an
//   undeclared import still fails).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, waitFor } from '../support/cli.ts';
import { writeVoteFixture } from './vote-fixture.ts';

const NPM_TIMEOUT_MS = 240_000;
let dir: string;
let app: string;
let installed: string;
let packedFiles: string[];

function npm(args: string[], cwd: string): string {
  const result = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: NPM_TIMEOUT_MS });
  if (result.status !== 0) {
    throw new Error(`npm ${args.join(' ')} failed (${result.status}):\n${result.stderr.slice(-4000)}`);
  }
  return result.stdout;
}

/**
 * The environment of the installed `r1flow`: no R1FLOW_PLUGINS (the tests' plugins are .ts), and no
 * configured model server or warehouse, so `start` sets up the shipped demo ones.
 */
function installedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, R1FLOW_PLUGINS: '' };
  delete env.R1FLOW_LLM_URL;
  delete env.R1FLOW_WAREHOUSE;
  return env;
}

function r1flow(args: string[]) {
  return spawnSync(join(app, 'node_modules/.bin/r1flow'), args, {
    cwd: app,
    encoding: 'utf8',
    env: installedEnv(),
    timeout: 60_000,
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-pack-'));
  npm(['pack', '--pack-destination', dir, '--no-audit', '--no-fund'], REPO_ROOT);
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${dir}`);
  const listing = spawnSync('tar', ['tzf', join(dir, tarball)], { encoding: 'utf8' });
  packedFiles = listing.stdout.split('\n').filter(Boolean);

  app = join(dir, 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  writeFileSync(join(app, 'package.json'), '{ "name": "r1flow-pack-test", "private": true }\n');
  const packedJson = spawnSync('tar', ['xzOf', join(dir, tarball), 'package/package.json'], {
    encoding: 'utf8',
  });
  const packed = JSON.parse(packedJson.stdout) as { dependencies: Record<string, string> };
  for (const name of Object.keys(packed.dependencies)) {
    const target = join(app, 'node_modules', name);
    mkdirSync(dirname(target), { recursive: true }); // scoped names (@scope/name) need their folder
    symlinkSync(join(REPO_ROOT, 'node_modules', name), target);
  }
  npm(
    ['install', '--offline', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', join(dir, tarball)],
    app,
  );
  installed = join(app, 'node_modules/r1flow');
}, NPM_TIMEOUT_MS * 2);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed r1flow package', () => {
  it('ships the compiled CLI, its command table, the built editor and runtime examples, and no sources', () => {
    for (const file of [
      'package/bin/r1flow.js',
      'package/dist/server/cli/main.js',
      'package/dist/server/cli/command-table.json',
      'package/dist/nodes/sql/sandbox/sandbox-child.js',
      'package/dist/server/demo/build-warehouse.js',
      'package/editor/dist/index.html',
      'package/examples/flows/nl2sql.flow.json',
      'package/examples/replay/demo.jsonl',
    ]) {
      expect(packedFiles).toContain(file);
    }
    expect(packedFiles.filter((file) => file.endsWith('.ts'))).toEqual([]);
    expect(packedFiles.filter((file) => file.startsWith('package/tests/'))).toEqual([]);
  });

  it('runs without tsx: the devDependency is not resolvable from the install', () => {
    const resolved = spawnSync(
      process.execPath,
      ['-e', 'import.meta.resolve("tsx/esm")', '--input-type=module'],
      {
        cwd: installed,
        encoding: 'utf8',
      },
    );
    expect(resolved.status).not.toBe(0);
    expect(resolved.stderr).toContain('tsx');
  });

  it('prints the same --help as the sources and the package version', async () => {
    const help = r1flow(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toBe((await runCli(['--help'])).stdout);
    expect(r1flow(['vote', '--help']).stdout).toContain('usage: r1flow vote --db WAREHOUSE');
    const version = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version as string;
    expect(r1flow(['--version']).stdout.trim()).toBe(version);
  });

  it('validates a shipped example flow', () => {
    const result = r1flow(['validate', 'node_modules/r1flow/examples/flows/nl2sql.flow.json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('valid');
  });

  it('votes through the compiled SQL sandbox child', () => {
    const result = r1flow(writeVoteFixture(dir));
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ index: 0, votes: 2 });
  });

  it('starts with the shipped editor, demo replay and example flows', async () => {
    const child: ChildProcess = spawn(
      join(app, 'node_modules/.bin/r1flow'),
      ['start', '--port', '0', '--db', join(dir, 'r1.db')],
      { cwd: app, env: installedEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    try {
      await waitFor(
        () => /running at (http:\S+)/.test(stderr) || child.exitCode !== null,
        60_000,
        'r1flow start',
      );
      const url = /running at (http:\S+)/.exec(stderr)?.[1];
      expect(url, stderr).toBeDefined();
      const editor = await fetch(`${url}/`);
      expect(await editor.text()).toContain('<div id="root">');
      const { flows } = (await (await fetch(`${url}/api/flows`)).json()) as { flows: { id: string }[] };
      expect(flows.map((flow) => flow.id)).toEqual(expect.arrayContaining(['nl2sql', 'hello-branch']));
      expect(stderr).toContain('scripted demo replay');
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
    }
  });
});
