// Build step (`npm run build`, after tsc): writes dist/server/cli/command-table.json, the command
// names and help texts the compiled CLI reads instead of importing every command (see command.ts).
import { writeFileSync } from 'node:fs';
import { R1flowError } from '../../engine/errors.ts';
import { RUNNING_FROM_SOURCES } from '../../engine/package-root.ts';
import { buildCommandTable, COMMAND_TABLE_FILE } from './command.ts';

// The sources never read a table (they import every command), so one written there would only go stale.
if (RUNNING_FROM_SOURCES)
  throw new R1flowError('CONFIG_INVALID', 'run the compiled write-command-table.js in dist/');

const rows = await buildCommandTable();
const file = new URL(`./${COMMAND_TABLE_FILE}`, import.meta.url);
writeFileSync(file, `${JSON.stringify(rows, null, 2)}\n`);
process.stdout.write(`${rows.length} commands -> ${file.pathname}\n`);
