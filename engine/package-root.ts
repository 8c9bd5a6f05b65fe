// Where r1flow's own files are (package.json, examples/, editor/dist/), whether the code runs from
// its sources (engine/package-root.ts, through tsx or vitest) or from the build
// (dist/engine/package-root.js, one folder deeper). Paths to those files are taken from here,
// never relative to a module file, so the same code finds them from both places.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when this process runs the TypeScript sources rather than the compiled `dist/`. */
export const RUNNING_FROM_SOURCES = import.meta.url.endsWith('.ts');

export const PACKAGE_ROOT = fileURLToPath(new URL(RUNNING_FROM_SOURCES ? '../' : '../../', import.meta.url));

/** A path inside the package, e.g. `packagePath('examples/flows')`. */
export function packagePath(relative: string): string {
  return join(PACKAGE_ROOT, relative);
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
