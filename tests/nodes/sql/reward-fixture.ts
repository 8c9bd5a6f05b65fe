// Inputs shared by the sql.reward tests: a temp singer warehouse (removed after the file's tests)
// and SQL-R1-format candidate responses.
import { afterAll } from 'vitest';
import type { SchemaContext, SqlCandidates } from '../../../nodes/types.ts';
import { createTempDatabase, SINGERS } from '../../eval/support/temp-database.ts';

export function rewardWarehouse(): { file: string; schema: SchemaContext } {
  const warehouse = createTempDatabase(SINGERS);
  afterAll(() => warehouse.remove());
  return {
    file: warehouse.file,
    schema: { database: warehouse.file, dialect: 'sqlite', ddl: '', tables: ['singer'], retrieval: [] },
  };
}

export function candidates(...texts: string[]): SqlCandidates {
  return {
    model: 'test',
    candidates: texts.map((text, index) => ({ index, sql: null, reasoning: '', text, finishReason: 'stop' })),
  };
}

export const answer = (sql: string) => `Think.</think><answer>\`\`\`sql\n${sql}\n\`\`\`</answer>`;
