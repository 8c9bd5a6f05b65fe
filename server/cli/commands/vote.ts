// `r1flow vote`: SQL-R1's self-consistency vote over a file of candidate SQL. Each distinct query
// runs read-only on the warehouse with the executor sql.execute would use (the SQL sandbox's child
// processes for SQLite, a read-only transaction for PostgreSQL, a read-only DuckDB file), then the
// vote prints `{index, sql, votes, valid, rejected}` on stdout; `index` is -1 when every candidate
// failed, and `rejected` says why each candidate that did not vote was left out.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isR1flowError, R1flowError } from '../../../engine/errors.ts';
import { ResourcePool } from '../../../engine/resources.ts';
import { parseVotePreset } from '../../../nodes/sql/selection/vote-options.ts';
import { openConnectionLookup } from '../../connections/cli-connection-lookup.ts';
import { defineCommand } from '../command.ts';
import { parseFlags, parseIntegerFlag, storeLocation } from '../options.ts';
import { voteOnWarehouse } from '../vote-on-warehouse.ts';
import { parseWarehouseArg, warehouseRunner } from '../warehouse-arg.ts';

const usage = `vote --db WAREHOUSE --candidates FILE.json [--store PATH|URL] [--timeout-ms 10000] [--max-rows 100000] [--preset sql-r1|r1flow]

  --db WAREHOUSE     where the candidates run (read-only): a SQLite file, a .duckdb file, a
                     postgres://USER:PASSWORD@HOST/DB URL, or connection:NAME of the store's connections
  --store PATH|URL   the store whose connections connection:NAME reads (default R1FLOW_STORE, else ./data/r1flow.db)
  --candidates FILE  a JSON array of SQL strings in the model's order: ["SELECT …", "SELECT …"]
  --timeout-ms N     each query is stopped after N ms (default 10000)
  --max-rows N       reading stops after N rows (default 100000)
  --preset P         sql-r1 (default: SQL-R1's majority vote) or r1flow (see docs/vote-selection.md)

prints one JSON line: {"index", "sql", "votes", "valid", "rejected": [{"index", "sql", "status", "error"}]}`;

/** SQL-R1 and OmniSQL give each candidate 10 s. */
const DEFAULT_TIMEOUT_MS = 10_000;
/** SQL-R1 reads every row (fetchall); results cut at the cap vote only with equally cut ones. */
const DEFAULT_MAX_ROWS = 100_000;

const CandidatesFileSchema = z.array(z.string());

export default defineCommand({
  name: 'vote',
  summary: 'Run candidate SQL on a database and print the self-consistency vote as JSON',
  usage,
  async run(argv) {
    let flags: ReturnType<typeof parseVoteFlags>;
    try {
      flags = parseVoteFlags(argv);
    } catch (error) {
      return failWith(error, 2);
    }
    // `--db` names the warehouse here; the store of named connections is `--store`, opened only
    // when `connection:NAME` asks for it.
    const connections = openConnectionLookup(storeLocation({ store: flags.store }));
    const resources = new ResourcePool();
    try {
      const candidates = readCandidates(flags.candidates);
      const warehouse = await warehouseRunner(
        await parseWarehouseArg(flags.db, connections.lookup),
        resources,
      );
      process.stdout.write(`${JSON.stringify(await voteOnWarehouse(warehouse, candidates, flags))}\n`);
      return 0;
    } catch (error) {
      return failWith(error, 1);
    } finally {
      await resources.disposeAll();
      await connections.close();
    }
  },
});

function parseVoteFlags(argv: string[]) {
  const { values } = parseFlags(
    argv,
    {
      db: { type: 'string' },
      store: { type: 'string' },
      candidates: { type: 'string' },
      'timeout-ms': { type: 'string' },
      'max-rows': { type: 'string' },
      preset: { type: 'string' },
    },
    usage,
  );
  if (values.db === undefined || values.candidates === undefined) {
    throw new R1flowError(
      'BAD_REQUEST',
      `--db and --candidates are required\nusage: r1flow ${usage.split('\n')[0]}`,
    );
  }
  return {
    db: values.db,
    store: values.store,
    candidates: values.candidates,
    timeoutMs: parseIntegerFlag(values['timeout-ms'], 'timeout-ms', DEFAULT_TIMEOUT_MS, 1),
    maxRows: parseIntegerFlag(values['max-rows'], 'max-rows', DEFAULT_MAX_ROWS, 1),
    // SQL-R1's vote unless asked: `r1flow vote` reproduces the published numbers.
    preset: values.preset === undefined ? ('sql-r1' as const) : parseVotePreset(values.preset),
  };
}

/** Usage mistakes exit 2, unreadable inputs 1; anything unexpected goes to main's handler. */
function failWith(error: unknown, exitCode: number): number {
  if (!isR1flowError(error)) throw error;
  process.stderr.write(`error ${error.code}: ${error.message}\n`);
  return exitCode;
}

/** The candidates file: a JSON array of SQL strings, in the model's order (ties go to the first). */
function readCandidates(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new R1flowError(
      'BAD_REQUEST',
      `cannot read the candidates file ${path}: ${(error as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new R1flowError(
      'BAD_REQUEST',
      `the candidates file ${path} is not valid JSON: ${(error as Error).message}`,
    );
  }
  const parsed = CandidatesFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` (at [${issue.path.join('][')}]: ${issue.message})` : '';
    throw new R1flowError(
      'BAD_REQUEST',
      `the candidates file ${path} must be a JSON array of SQL strings${where}`,
    );
  }
  return parsed.data;
}
