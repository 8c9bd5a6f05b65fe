// The Spider dev subset vendored in datasets/spider-dev: its
// questions, database files and the eight recorded systems' answers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPIDER_DEV_DIR } from '../../support/datasets.ts';

export { SPIDER_DEV_DIR };

export interface SpiderQuestion {
  question_id: number;
  db_id: string;
  question: string;
  gold_sql: string;
}

export function loadQuestions(): SpiderQuestion[] {
  return JSON.parse(readFileSync(join(SPIDER_DEV_DIR, 'questions.json'), 'utf8'));
}

export function databaseFile(dbId: string): string {
  return join(SPIDER_DEV_DIR, 'databases', dbId, `${dbId}.sqlite`);
}

/** Each question's eight recorded answers (the last ```sql block of each response), in file order. */
export function loadReplaySql(): string[][] {
  return readFileSync(join(SPIDER_DEV_DIR, 'replay-ensemble.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) =>
      (JSON.parse(line).responses as string[]).map(
        (response) => [...response.matchAll(/```sql\s*([\s\S]*?)\s*```/g)].at(-1)?.[1]?.trim() ?? '',
      ),
    );
}
