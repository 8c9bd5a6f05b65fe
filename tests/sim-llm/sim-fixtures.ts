// Shared by the sim-llm and llm node tests: replay files in a temp dir, prompts the simulator
// recognises, and where the spider-dev data set lives.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSqlR1Prompt, wrapInQwenChat } from '../../nodes/llm/sql-r1-prompt.ts';
import { GPU_PROFILE, SPIDER_DEV_DIR } from '../support/datasets.ts';

export { GPU_PROFILE, SPIDER_DEV_DIR };
export const SPIDER_REPLAY = join(SPIDER_DEV_DIR, 'replay-ensemble.jsonl');

export interface ReplayEntry {
  question: string;
  /** A follow-up: the question it answers right after. */
  follows?: string;
  responses: string[];
  /** What sim-llm answers to sql.correct's prompts for this question. */
  corrections?: string[];
}

/** A replay file with a comment header line, in a fresh temp dir; `remove()` deletes the dir. */
export function writeReplayFile(entries: ReplayEntry[]): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'r1flow-replay-'));
  const path = join(dir, 'replay.jsonl');
  const lines = [{ _comment: 'test replay' }, ...entries.map((entry) => ({ db_id: 'test', ...entry }))];
  writeFileSync(path, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The ChatML prompt llm.generate sends for this question. */
export function chatPromptFor(question: string, schema = 'CREATE TABLE t (\n    a number\n);'): string {
  return wrapInQwenChat(buildSqlR1Prompt({ schema, question }));
}

/** A response in SQL-R1's format whose SQL is `sql`, padded with reasoning to about `chars` characters. */
export function answerWith(sql: string, chars = 0): string {
  const reasoning = 'x'.repeat(Math.max(0, chars - sql.length - 40));
  return `<think>\n${reasoning}\n</think>\n<answer>\n\`\`\`sql\n${sql}\n\`\`\`\n</answer>`;
}
