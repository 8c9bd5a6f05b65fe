#!/usr/bin/env node
// The installed `r1flow` command: runs the compiled CLI in dist/ with plain node (built by
// `npm run build`, which `prepare` runs on `npm ci`). bin/r1flow-dev.js runs the sources instead.
import { existsSync } from 'node:fs';

const main = new URL('../dist/server/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('r1flow: dist/ is missing; run "npm run build" (or use bin/r1flow-dev.js)\n');
  process.exit(1);
}
await import(main.href);
