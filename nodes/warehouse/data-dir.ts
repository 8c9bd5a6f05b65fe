// Where flow params may point: SQLite files and CSV directories named by a flow (or any API caller
// that saves one) must lie inside the data directory, so a flow cannot read or write files anywhere
// on the host. The data directory is the R1FLOW_DATA_DIR setting (`r1flow start --data-dir`), by
// default a SQLite store's directory (R1FLOW_STORE_PATH, which the runtime adds), else ./data (as
// for a postgres:// store). The examples shipped with
// r1flow (demo warehouse, sync source) may be read too, and so may what the host itself configured
// (R1FLOW_WAREHOUSE, R1FLOW_WAREHOUSE_DIR). Paths are compared after realpath, so neither `..` nor a
// symlink leads out, and the store itself (with its WAL/SHM/journal) and the server's secret key
// file (beside the store, or in the data directory where a shared store's key lives) are refused
// even inside the directory.
import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { R1flowError } from '../../engine/errors.ts';
import type { Lookup } from '../../engine/host-settings.ts';
import { packagePath } from '../../engine/package-root.ts';
import { WAREHOUSE_DIR_ENV, WAREHOUSE_ENV } from './resolve-warehouse.ts';

/** Setting naming the directory flow params may use. */
export const DATA_DIR_ENV = 'R1FLOW_DATA_DIR';
/** Setting with the store's path (the runtime adds it): never a warehouse, and the default data dir's anchor. */
export const STORE_PATH_ENV = 'R1FLOW_STORE_PATH';

// From the package root: relative to this module it would be dist/examples/ in the build.
const EXAMPLES_DIR = packagePath('examples/');
const STORE_COMPANIONS = ['', '-wal', '-shm', '-journal'];
const SECRET_KEY_FILE = 'secret.key';

/** Read: the file is only read (a warehouse queried, a sync source). Write: it may be created or changed. */
export type PathAccess = 'read' | 'write';

/** The data directory, absolute (not yet realpath'd). */
export function dataDirectory(lookup: Lookup): string {
  const configured = lookup(DATA_DIR_ENV);
  if (configured) return resolve(configured);
  const store = lookup(STORE_PATH_ENV);
  return store ? dirname(resolve(store)) : resolve('data');
}

/**
 * `path` (absolute, or relative to the working directory) after realpath, when it lies inside the
 * data directory (or, to read, among the shipped examples and host-configured warehouses) and is not
 * the store or its key; otherwise PATH_OUTSIDE_DATA_DIR naming `param`. A path that does not exist
 * yet is checked through its nearest existing parent.
 */
export function resolveInDataDir(param: string, path: string, access: PathAccess, lookup: Lookup): string {
  const real = realpathAllowingMissing(resolve(path));
  const dataDir = realpathAllowingMissing(dataDirectory(lookup));
  const roots = [dataDir, ...(access === 'read' ? readOnlyRoots(lookup) : [])];
  if (!roots.some((root) => isInside(real, root))) {
    throw outside(param, path, real, dataDir, `it is outside the data directory ${dataDir}`);
  }
  if (isStoreFile(real, dataDir, lookup)) {
    throw outside(param, path, real, dataDir, "it is r1flow's own store or secret key");
  }
  return real;
}

/** The shipped examples and whatever the host configured as warehouses: readable, never written. */
function readOnlyRoots(lookup: Lookup): string[] {
  const configured = [lookup(WAREHOUSE_ENV), lookup(WAREHOUSE_DIR_ENV)].filter((value): value is string =>
    Boolean(value),
  );
  return [EXAMPLES_DIR, ...configured].map((root) => realpathAllowingMissing(resolve(root)));
}

/** The store's files and the server key: beside a SQLite store, or in the data directory (a shared store's). */
function isStoreFile(real: string, dataDir: string, lookup: Lookup): boolean {
  const store = lookup(STORE_PATH_ENV);
  const storeReal = store ? realpathAllowingMissing(resolve(store)) : undefined;
  const forbidden = [
    join(dataDir, SECRET_KEY_FILE),
    ...(storeReal
      ? [
          ...STORE_COMPANIONS.map((suffix) => `${storeReal}${suffix}`),
          join(dirname(storeReal), SECRET_KEY_FILE),
        ]
      : []),
  ];
  return forbidden.includes(real);
}

function isInside(path: string, root: string): boolean {
  if (path === root) return true;
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep);
}

/**
 * realpath of `path`, or of its nearest existing parent with the missing rest appended. A dangling
 * symlink is followed to where it points: creating the file would create its target.
 */
function realpathAllowingMissing(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  if (isSymlink(path)) {
    return realpathAllowingMissing(resolve(dirname(path), readlinkSync(path)));
  }
  const parent = dirname(path);
  if (parent === path) return path;
  return join(realpathAllowingMissing(parent), basename(path));
}

/** Whether `path` is a symlink; false when it cannot be there at all (e.g. a parent is a file). */
function isSymlink(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
  } catch {
    return false;
  }
}

function outside(param: string, given: string, real: string, dataDir: string, why: string): R1flowError {
  return new R1flowError(
    'PATH_OUTSIDE_DATA_DIR',
    `param "${param}" names ${given}, which r1flow may not open: ${why} (set ${DATA_DIR_ENV} or --data-dir to choose the directory)`,
    { data: { param, path: given, resolved: real, dataDir } },
  );
}
