// Real-browser support for the editor's tests and benchmark: build the editor when its sources are
// newer than the build, start `r1flow start` (simulated model server, demo warehouse) on a free
// 127.0.0.1 port, and drive Debian's Chromium through playwright-core with a fresh profile.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { REPO_ROOT, startCli, waitFor } from './cli.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(REPO_ROOT, 'tests', 'artifacts');
const EDITOR_DIR = join(REPO_ROOT, 'editor');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Runs `npm run build:editor` when editor/dist is missing or older than the editor's sources (the
 * flow schema it bundles from the engine included).
 */
export function ensureEditorBuilt(): void {
  const built = join(EDITOR_DIR, 'dist', 'index.html');
  const sources = [
    join(EDITOR_DIR, 'index.html'),
    join(EDITOR_DIR, 'vite.config.ts'),
    join(EDITOR_DIR, 'src'),
    join(REPO_ROOT, 'engine', 'flow-schema.ts'),
  ];
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  execFileSync('npm', ['run', 'build:editor'], { cwd: REPO_ROOT, stdio: 'pipe' });
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

export interface EditorServer {
  url: string;
  dir: string;
  /** Calls the server's HTTP API directly (setup and checks beside the browser). */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export interface EditorServerOptions {
  /** More `r1flow start` arguments, e.g. `--require-key`. */
  args?: string[];
  /** More environment, e.g. `R1FLOW_ADMIN_PASSWORD`. */
  env?: Record<string, string>;
}

/** `r1flow start` with a temp store and schema index, the simulated model server and the demo warehouse. */
export async function startEditorServer(options: EditorServerOptions = {}): Promise<EditorServer> {
  const dir = mkdtempSync(join(tmpdir(), 'r1flow-editor-'));
  const args = ['start', '--port', '0', '--db', join(dir, 'r1flow.db'), ...(options.args ?? [])];
  const { child, done } = startCli(args, {
    R1FLOW_PLUGINS: '',
    R1FLOW_LLM_URL: '',
    R1FLOW_EMBEDDINGS_URL: '',
    R1FLOW_SCHEMA_INDEX_DIR: join(dir, 'schema-index'),
    ...options.env,
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let exited = false;
  void done.then(() => {
    exited = true;
  });
  try {
    await waitFor(() => exited || /running at (http:\/\/\S+)/.test(stderr), 90_000, 'r1flow start');
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}; its output:\n${stderr}`);
  }
  const url = /running at (http:\/\/\S+)/.exec(stderr)?.[1];
  if (!url) throw new Error(`r1flow start failed:\n${stderr}`);
  return {
    url,
    dir,
    async api(method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as never };
    },
    async close() {
      child.kill('SIGTERM');
      await done;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Chromium with a fresh profile, one page at `url`. */
export async function openBrowser(
  url: string,
  viewport = { width: 1500, height: 940 },
): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'r1flow-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    acceptDownloads: true,
  });
  // tsx compiles with keepNames, which wraps functions in `__name(...)`; functions passed to
  // page.evaluate carry that call into the page, so the page gets a no-op of it.
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url, { timeout: 60_000 });
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot to tests/artifacts/<name>.png (git-ignored) and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
