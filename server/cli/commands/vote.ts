// `r1flow vote`: SQL-R1's self-consistency vote over a file of candidate SQL. Each distinct query
// runs read-only in the SQL sandbox (child processes killed on timeout), then the vote prints
// `{index, sql, votes, valid, rejected}` on stdout; `index` is -1 when every candidate failed, and
// `rejected` says why each candidate that did not vote was left out.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isR1flowError, R1flowError } from '../../../engine/errors.ts';
import { executeCandidates } from '../../../nodes/sql/execute-candidates.ts';
import { SqlSandboxPool } from '../../../nodes/sql/sandbox/sql-sandbox-pool.ts';
import {
  parseVotePreset,
  resolveVoteOptions,
  type VotePreset,
} from '../../../nodes/sql/selection/vote-options.ts';
import { summarizeVote } from '../../../nodes/sql/vote-on-results.ts';
import type { Candidate, ExecutedCandidate } from '../../../nodes/types.ts';
import { resolveWarehousePath } from '../../../nodes/warehouse/resolve-warehouse.ts';
import { defineCommand } from '../command.ts';
import { parseFlags, parseIntegerFlag } from '../options.ts';

const usage = `vote --db FILE.sqlite --candidates FILE.json [--timeout-ms 10000] [--max-rows 100000] [--preset sql-r1|r1flow]

  --db FILE          the SQLite database the candidates run on (read-only)
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
    let flags: { db: string; candidates: string; timeoutMs: number; maxRows: number; preset: VotePreset };
    try {
      flags = parseVoteFlags(argv);
    } catch (error) {
      return failWith(error, 2);
    }
    let database: string;
    let candidates: Candidate[];
    try {
      database = resolveWarehousePath(flags.db);
      candidates = readCandidates(flags.candidates);
    } catch (error) {
      return failWith(error, 1);
    }
    const pool = new SqlSandboxPool({ spares: 0 });
    try {
      const executed = await executeCandidates(pool, database, candidates, {
        timeoutMs: flags.timeoutMs,
        maxRows: flags.maxRows,
      });
      process.stdout.write(
        `${JSON.stringify({ ...summarizeVote(executed, resolveVoteOptions(flags.preset)), rejected: rejected(executed) })}\n`,
      );
      return 0;
    } finally {
      await pool.close();
    }
  },
});

function parseVoteFlags(argv: string[]) {
  const { values } = parseFlags(
    argv,
    {
      db: { type: 'string' },
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
    candidates: values.candidates,
    timeoutMs: parseIntegerFlag(values['timeout-ms'], 'timeout-ms', DEFAULT_TIMEOUT_MS, 1),
    maxRows: parseIntegerFlag(values['max-rows'], 'max-rows', DEFAULT_MAX_ROWS, 1),
    // SQL-R1's vote unless asked: `r1flow vote` reproduces the published numbers.
    preset: values.preset === undefined ? 'sql-r1' : parseVotePreset(values.preset),
  };
}

/** Candidates that did not vote, in file order, each with the error that kept it out. */
function rejected(executed: readonly ExecutedCandidate[]) {
  return executed
    .filter((candidate) => candidate.status !== 'ok')
    .map(({ index, sql, status, error }) => ({
      index,
      sql,
      status,
      // The sandbox words an empty candidate as a model sample; here it is a line of the file.
      error: status === 'empty' ? { code: 'SQL_EMPTY', message: 'the candidate is empty' } : error,
    }));
}

/** Usage mistakes exit 2, unreadable inputs 1; anything unexpected goes to main's handler. */
function failWith(error: unknown, exitCode: number): number {
  if (!isR1flowError(error)) throw error;
  process.stderr.write(`error ${error.code}: ${error.message}\n`);
  return exitCode;
}

/** The candidates file: a JSON array of SQL strings, in the model's order (ties go to the first). */
function readCandidates(path: string): Candidate[] {
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
  return parsed.data.map((sql, index) => ({ index, sql, reasoning: '', text: sql, finishReason: null }));
}
