// One real `r1flow start` and one Chromium for a browser test file: started before its tests,
// a screenshot of each failed test to tests/artifacts/, both closed after.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import {
  type BrowserSession,
  type EditorServer,
  ensureEditorBuilt,
  openBrowser,
  saveScreenshot,
  startEditorServer,
} from '../support/browser.ts';
import { waitForCanvas, waitForEditor } from './editor-page.ts';

export interface EditorSession {
  readonly server: EditorServer;
  readonly browser: BrowserSession;
  readonly page: Page;
}

interface SessionOptions {
  /** Where the editor opens, e.g. `/#/flows/nl2sql`. */
  path?: string;
  viewport?: { width: number; height: number };
  /** Wait until the flow in `path` is drawn and checked. */
  waitForFlow?: boolean;
}

export function setUpEditorSession(options: SessionOptions = {}): EditorSession {
  // A browser on a busy 2-core machine: what the page shows may take seconds, not vitest's 1 s.
  vi.setConfig({ expect: { poll: { timeout: 15_000 } } });
  let server: EditorServer | undefined;
  let browser: BrowserSession | undefined;

  beforeAll(async () => {
    ensureEditorBuilt();
    server = await startEditorServer();
    browser = await openBrowser(`${server.url}${options.path ?? '/'}`, options.viewport);
    await waitForEditor(browser.page);
    if (options.waitForFlow) await waitForCanvas(browser.page);
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && browser) {
      await saveScreenshot(browser.page, `failed-${task.name.slice(0, 40)}`);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  return {
    get server() {
      return server!;
    },
    get browser() {
      return browser!;
    },
    get page() {
      return browser!.page;
    },
  };
}
