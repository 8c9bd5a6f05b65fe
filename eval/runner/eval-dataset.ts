// An evaluation dataset directory (ARCHITECTURE.md "Data formats"): questions.json
// `[{question_id, db_id, question, gold_sql}]`, Spider's tables.json and
// `databases/<db_id>/<db_id>.sqlite`. Everything is checked up front, so a broken dataset fails
// at once with DATASET_INVALID naming the file and the problem, never halfway through a run.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { R1flowError } from '../../engine/errors.ts';
import { CellSchema } from '../../nodes/types.ts';
import { loadSpiderSchemas, type SpiderSchema } from '../spider-sql/spider-schema.ts';
import { readJsonFile } from './read-json-file.ts';

const QuestionSchema = z.object({
  question_id: z.union([z.number().int().min(0), z.string().min(1)]),
  db_id: z.string().min(1),
  question: z.string().min(1),
  gold_sql: z.string(),
  /** The result a right answer has, when no gold query is given (a flow's publish test set). */
  gold_rows: z.array(z.array(CellSchema)).optional(),
});
export type EvalQuestion = z.output<typeof QuestionSchema>;

export interface EvalDataset {
  dir: string;
  questions: EvalQuestion[];
  /** Spider schemas by db_id, for hardness. */
  schemas: ReadonlyMap<string, SpiderSchema>;
  /** Where run inputs pick databases by name (the flow's R1FLOW_WAREHOUSE_DIR). */
  databasesDir: string;
  /** Every `*.sqlite` of a database's folder, `<db_id>.sqlite` first: test-suite scores on each. */
  databaseFiles(dbId: string): readonly string[];
}

function invalid(path: string, problem: string): R1flowError {
  return new R1flowError('DATASET_INVALID', `${path}: ${problem}`, { path });
}

function readQuestions(path: string): EvalQuestion[] {
  const parsed = z.array(QuestionSchema).safeParse(readJsonFile(path));
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 3)
      .map(
        (issue) =>
          `${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}`,
      );
    const more =
      parsed.error.issues.length > 3 ? ` (and ${parsed.error.issues.length - 3} more problems)` : '';
    throw invalid(
      path,
      `not a list of {question_id, db_id, question, gold_sql}: ${problems.join('; ')}${more}`,
    );
  }
  if (parsed.data.length === 0) throw invalid(path, 'has no questions');
  const seen = new Set<string>();
  for (const question of parsed.data) {
    const id = String(question.question_id);
    if (seen.has(id)) throw invalid(path, `question_id ${id} appears twice`);
    seen.add(id);
  }
  return parsed.data;
}

function sqliteFilesOf(folder: string, dbId: string): string[] {
  const others = readdirSync(folder)
    .filter((name) => name.endsWith('.sqlite') && name !== `${dbId}.sqlite`)
    .sort();
  return [`${dbId}.sqlite`, ...others].map((name) => join(folder, name));
}

export function loadEvalDataset(directory: string): EvalDataset {
  const dir = resolve(directory);
  if (!existsSync(dir)) throw invalid(dir, 'the dataset directory does not exist');
  if (!statSync(dir).isDirectory()) throw invalid(dir, 'is not a directory');
  const questions = readQuestions(join(dir, 'questions.json'));

  const tablesPath = join(dir, 'tables.json');
  if (!existsSync(tablesPath))
    throw invalid(tablesPath, 'is missing (Spider tables.json, needed for hardness)');
  const schemas = loadSpiderSchemas(tablesPath);

  const databasesDir = join(dir, 'databases');
  const files = new Map<string, string[]>();
  for (const question of questions) {
    if (files.has(question.db_id)) continue;
    if (!schemas.has(question.db_id)) {
      throw invalid(
        tablesPath,
        `no entry for database "${question.db_id}" (question ${question.question_id})`,
      );
    }
    const folder = join(databasesDir, question.db_id);
    const main = join(folder, `${question.db_id}.sqlite`);
    if (!existsSync(main)) {
      throw invalid(main, `is missing (database "${question.db_id}" of question ${question.question_id})`);
    }
    files.set(question.db_id, sqliteFilesOf(folder, question.db_id));
  }
  return {
    dir,
    questions,
    schemas,
    databasesDir,
    databaseFiles: (dbId) => files.get(dbId) ?? [],
  };
}
