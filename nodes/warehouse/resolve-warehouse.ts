// Turns a warehouse reference into a SQLite file path. Flow authors may give a path (trusted:
// flows are saved through the authenticated API); a run's input may only name a database inside
// the configured warehouse directory, so a webhook caller cannot open arbitrary files.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { R1flowError } from '../../engine/errors.ts';

const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Env var naming the directory that run inputs may pick databases from. */
export const WAREHOUSE_DIR_ENV = 'R1FLOW_WAREHOUSE_DIR';
/** Env var naming the default warehouse file when a flow gives none. */
export const WAREHOUSE_ENV = 'R1FLOW_WAREHOUSE';

/** A path chosen by the flow author (params): absolute, or relative to the working directory. */
export function resolveWarehousePath(path: string): string {
  const absolute = isAbsolute(path) ? path : resolve(path);
  if (!existsSync(absolute)) {
    throw new R1flowError('WAREHOUSE_NOT_FOUND', `warehouse file ${absolute} does not exist`, {
      data: { path: absolute },
    });
  }
  return absolute;
}

/**
 * A database named by a run's input: `<dir>/<name>.sqlite` or Spider's `<dir>/<name>/<name>.sqlite`.
 * Names are plain identifiers, never paths.
 */
export function resolveWarehouseName(name: string, directory: string): string {
  if (!NAME_PATTERN.test(name) || name.includes('..')) {
    throw new R1flowError(
      'WAREHOUSE_NOT_FOUND',
      `database name "${name}" is not a plain name (letters, digits, _ . -)`,
    );
  }
  for (const candidate of [join(directory, `${name}.sqlite`), join(directory, name, `${name}.sqlite`)]) {
    if (existsSync(candidate)) return resolve(candidate);
  }
  throw new R1flowError('WAREHOUSE_NOT_FOUND', `no database "${name}" in ${resolve(directory)}`, {
    data: { name, directory: resolve(directory) },
  });
}
