// The eight recorded systems' answers on the Spider dev subset, executed as `sql.execute` runs
// them (sandbox, 10 s, 100,000 rows: the vote's inputs) and each distinct answer scored as
// `r1flow eval` scores it (compareQueries through the sandbox: test-suite's EX). Every SQL text
// runs once per database within a process (results cached in memory).
import { readFileSync } from 'node:fs';
import type { EvalDataset } from '../../eval/runner/eval-dataset.ts';
import { scorePrediction } from '../../eval/runner/score-prediction.ts';
import type { RunSql, SqlRun } from '../../eval/scoring/run-sql.ts';
import type { SpiderHardness } from '../../eval/spider-sql/hardness.ts';
import { executeCandidates } from '../../nodes/sql/execute-candidates.ts';
import type { SqlSandboxPool } from '../../nodes/sql/sandbox/sql-sandbox-pool.ts';
import { sandboxRunSql } from '../../nodes/sql/sandbox-run-sql.ts';
import type { Candidate, ExecutedCandidate } from '../../nodes/types.ts';

/** SQL-R1 and OmniSQL give each candidate 10 s and read every row. */
const VOTE_LIMITS = { timeoutMs: 10_000, maxRows: 100_000 };

export interface ScoredQuestion {
  questionId: number | string;
  dbId: string;
  hardness: SpiderHardness | null;
  /** The candidates as `sql.execute` hands them to the vote, in the replay's order. */
  executed: ExecutedCandidate[];
  /** Whether each candidate's SQL is correct under EX (same order). */
  correct: boolean[];
}

/** Each question's recorded answers (the last ```sql block of each response), in file order. */
export function loadReplayCandidates(replayFile: string): Candidate[][] {
  return readFileSync(replayFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) =>
      (JSON.parse(line).responses as string[]).map((text, index) => {
        const sql = [...text.matchAll(/```sql\s*([\s\S]*?)\s*```/g)].at(-1)?.[1]?.trim() ?? '';
        return { index, sql: sql === '' ? null : sql, reasoning: '', text, finishReason: null };
      }),
    );
}

function cachedRunSql(runSql: RunSql): RunSql {
  const cache = new Map<string, Promise<SqlRun>>();
  return (database, sql) => {
    const key = `${database}\u0000${sql}`;
    let run = cache.get(key);
    if (run === undefined) {
      run = runSql(database, sql);
      cache.set(key, run);
    }
    return run;
  };
}

export async function scoreReplay(
  dataset: EvalDataset,
  replayFile: string,
  pool: SqlSandboxPool,
  onProgress?: (done: number, total: number) => void,
): Promise<ScoredQuestion[]> {
  const replay = loadReplayCandidates(replayFile);
  if (replay.length !== dataset.questions.length) {
    throw new Error(`${replayFile} has ${replay.length} lines for ${dataset.questions.length} questions`);
  }
  const scoring = { runSql: cachedRunSql(sandboxRunSql(pool)), keepDistinct: false };
  const scored: ScoredQuestion[] = [];
  for (const [i, question] of dataset.questions.entries()) {
    const candidates = replay[i]!;
    const database = dataset.databaseFiles(question.db_id)[0]!;
    const executed = await executeCandidates(pool, database, candidates, VOTE_LIMITS);
    const reports = await Promise.all(
      candidates.map((candidate) =>
        scorePrediction(dataset, question, { sql: candidate.sql ?? '' }, scoring),
      ),
    );
    scored.push({
      questionId: question.question_id,
      dbId: question.db_id,
      hardness: reports[0]!.hardness,
      executed,
      correct: reports.map((report) => report.correct),
    });
    onProgress?.(i + 1, dataset.questions.length);
  }
  return scored;
}
