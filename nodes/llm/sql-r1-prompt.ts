// SQL-R1's inference prompt (IDEA-FinAI/SQL-R1 `src/utils/prepare_input_seq.py`,
// `input_prompt_template`): the OmniSQL instruction plus two think/answer lines, sent as one user
// message. The schema comes before the question so a prefix-caching server reuses it across
// questions on the same database.
import type { ChatMessage } from '../../engine/model-client.ts';

import type { SchemaContext } from '../types.ts';

export const SQL_R1_DB_ENGINE = 'SQLite';

/** The `Database Engine:` line for each warehouse dialect; SQLite's is SQL-R1's own. */
export const DB_ENGINE_NAMES: Record<SchemaContext['dialect'], string> = {
  sqlite: SQL_R1_DB_ENGINE,
  postgres: 'PostgreSQL',
  duckdb: 'DuckDB',
};

const TASK_OVERVIEW =
  'Task Overview:\n' +
  'You are a data science expert. Below, you are provided with a database schema and a natural language ' +
  'question. Your task is to understand the schema and generate a valid SQL query to answer the question.\n\n' +
  'Database Engine:\n';

const SCHEMA_HEADER = '\n\nDatabase Schema:\n';

/** Fixed text that closes the schema section and opens the question section. */
const QUESTION_OPENING =
  "\nThis schema describes the database's structure, including tables, columns, primary keys, foreign keys, " +
  'and any relevant relationships or constraints.\n\nQuestion:\n';

/** Fixed text that closes the question section: the instructions, output format and closing line. */
const QUESTION_CLOSING =
  '\n\nInstructions:\n' +
  '- Make sure you only output the information that is asked in the question. If the question asks for a ' +
  'specific column, make sure to only include that column in the SELECT clause, nothing more.\n' +
  '- The generated query should return all of the information asked in the question without any missing or ' +
  'extra information.\n' +
  '- Before generating the final SQL query, please think through the steps of how to write the query.\n' +
  '- Note that while the reasoning process and SQL query need to be enclosed within <think> </think> and ' +
  '<answer> </answer> tags respectively, this should not affect the quality of the SQL generation.\n' +
  '- The answer must contain the SQL query within ```sql ``` tags.\n\n' +
  'Output Format:\n' +
  'In your answer, please enclose the generated SQL query in a code block:\n' +
  '```sql\n' +
  '-- Your SQL query\n' +
  '```\n\n' +
  'Take a deep breath and think step by step to find the correct SQL query.\n';

export interface SqlR1PromptInput {
  /** Pseudo-DDL of the schema (`SchemaContext.ddl`). */
  schema: string;
  question: string;
  /** BIRD's evidence; empty or absent for Spider. */
  externalKnowledge?: string | undefined;
  /** Defaults to SQLite, the only engine SQL-R1 was evaluated on; see DB_ENGINE_NAMES. */
  dbEngine?: string;
}

/** The user message of SQL-R1's inference prompt. */
export function buildSqlR1Prompt(input: SqlR1PromptInput): string {
  const question = joinKnowledge(input.question, input.externalKnowledge);
  return (
    TASK_OVERVIEW +
    (input.dbEngine ?? SQL_R1_DB_ENGINE) +
    SCHEMA_HEADER +
    input.schema +
    QUESTION_OPENING +
    question +
    QUESTION_CLOSING
  );
}

/** SQL-R1 puts BIRD's evidence on the line before the question; blank evidence leaves the question alone. */
export function joinKnowledge(question: string, externalKnowledge?: string): string {
  if (externalKnowledge === undefined || externalKnowledge.trim() === '') return question;
  return `${externalKnowledge}\n${question}`;
}

/**
 * The text of the prompt's `Question:` section, exactly, or null when the prompt is not an SQL-R1
 * prompt. Both ends are anchored on the template's fixed sentences, so a question or a schema that
 * happens to contain `Question:` cannot move them.
 */
export function findPromptQuestion(prompt: string): string | null {
  const opening = prompt.indexOf(QUESTION_OPENING);
  if (opening < 0) return null;
  const start = opening + QUESTION_OPENING.length;
  const end = prompt.lastIndexOf(QUESTION_CLOSING);
  if (end < start) return null;
  return prompt.slice(start, end);
}

/** Qwen2.5's end-of-turn marker; SQL-R1 stops on its token id (151645). */
export const QWEN_END_OF_TURN = '<|im_end|>';

// What Qwen2.5's chat template adds when the conversation has no system message.
const QWEN_DEFAULT_SYSTEM = 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.';

/**
 * A user message in Qwen2.5's ChatML, after the `earlier` messages of the conversation (a
 * follow-up's thread), as `apply_chat_template(..., add_generation_prompt=True)` renders it, for
 * servers' raw `/v1/completions`.
 */
export function wrapInQwenChat(userMessage: string, earlier: readonly ChatMessage[] = []): string {
  return (
    `<|im_start|>system\n${QWEN_DEFAULT_SYSTEM}${QWEN_END_OF_TURN}\n` +
    earlier
      .map((message) => `<|im_start|>${message.role}\n${message.content}${QWEN_END_OF_TURN}\n`)
      .join('') +
    `<|im_start|>user\n${userMessage}${QWEN_END_OF_TURN}\n` +
    '<|im_start|>assistant\n'
  );
}
