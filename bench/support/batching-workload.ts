// The batching benchmark's workload: Spider dev questions as llm.generate jobs with SQL-R1-like
// lengths. SQL-R1's prompts are about 1,000 tokens (instructions, schema, question) and its
// answers about 400 (reasoning, then the SQL); the recorded answers are bare SQL, so this pads the
// schema of each prompt with comment lines and writes a replay file whose answers carry a
// reasoning section of the right length before the gold SQL.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeJob } from '../../engine/transport.ts';
import { buildSqlR1Prompt, wrapInQwenChat } from '../../nodes/llm/sql-r1-prompt.ts';
import type { SchemaContext } from '../../nodes/types.ts';
import { estimateTokens } from '../../sim-llm/replay-book.ts';

export interface BatchingWorkload {
  replayPath: string;
  /** One llm.generate job a question (n samples each), params pointing at `llmUrl`. */
  jobsFor(llmUrl: string, label: string): NodeJob[];
  /** Measured as sim-llm counts them (about four characters a token). */
  promptTokens: number;
  responseTokens: number;
}

interface SpiderQuestion {
  db_id: string;
  question: string;
  gold_sql: string;
}

interface SpiderTables {
  db_id: string;
  table_names_original: string[];
  column_names_original: [number, string][];
  column_types: string[];
}

export function buildBatchingWorkload(options: {
  datasetDir: string;
  dir: string;
  questions: number;
  samples: number;
  promptTokens: number;
  responseTokens: number;
}): BatchingWorkload {
  const all = JSON.parse(
    readFileSync(join(options.datasetDir, 'questions.json'), 'utf8'),
  ) as SpiderQuestion[];
  const tables = JSON.parse(readFileSync(join(options.datasetDir, 'tables.json'), 'utf8')) as SpiderTables[];
  const unique = [...new Map(all.map((q) => [q.question, q])).values()].slice(0, options.questions);
  if (unique.length < options.questions) {
    throw new Error(
      `${options.datasetDir} has ${unique.length} distinct questions, fewer than ${options.questions}`,
    );
  }
  const schemas = new Map(tables.map((t) => [t.db_id, renderDdl(t)]));
  const items = unique.map((q) => {
    const ddl = padDdl(schemas.get(q.db_id) ?? '', q.question, options.promptTokens);
    const schema: SchemaContext = {
      database: q.db_id,
      dialect: 'sqlite',
      ddl,
      tables: [],
      retrieval: [],
    };
    return {
      question: q.question,
      schema,
      responses: responsesFor(q, options.samples, options.responseTokens),
    };
  });
  const replayPath = join(options.dir, 'replay-padded.jsonl');
  writeFileSync(
    replayPath,
    `${items.map(({ question, responses }) => JSON.stringify({ question, responses })).join('\n')}\n`,
  );
  const first = items[0]!;
  return {
    replayPath,
    promptTokens: estimateTokens(promptOf(first.question, first.schema.ddl)),
    responseTokens: estimateTokens(first.responses[0]!),
    jobsFor: (llmUrl, label) =>
      items.map(({ question, schema }, i) => ({
        jobId: `${label}-q${i}-1`,
        runId: `${label}-q${i}`,
        nodeId: 'generate',
        attempt: 1,
        nodeKey: 'llm.generate@1',
        lane: 'llm' as const,
        params: { n: options.samples, baseUrl: llmUrl, model: 'sim-sql-r1' },
        inputs: { question, schema },
      })),
  };
}

function promptOf(question: string, ddl: string): string {
  return wrapInQwenChat(buildSqlR1Prompt({ schema: ddl, question }));
}

/** CREATE TABLE statements from Spider's tables.json. */
function renderDdl(tables: SpiderTables): string {
  return tables.table_names_original
    .map((table, t) => {
      const columns = tables.column_names_original
        .map(([owner, name], c) => ({ owner, name, type: tables.column_types[c] ?? 'text' }))
        .filter((column) => column.owner === t)
        .map((column) => `    ${column.name} ${column.type}`);
      return `CREATE TABLE ${table} (\n${columns.join(',\n')}\n);`;
    })
    .join('\n');
}

/** The schema plus comment lines, until the whole prompt has about `tokens` tokens. */
function padDdl(ddl: string, question: string, tokens: number): string {
  const line = '-- (padding to the length of a SQL-R1 prompt with example values and foreign keys)\n';
  let padded = `${ddl}\n`;
  while (estimateTokens(promptOf(question, padded + line)) <= tokens) padded += line;
  return padded;
}

/** `samples` answers: a reasoning section of about `tokens` tokens, then the gold SQL. */
function responsesFor(q: SpiderQuestion, samples: number, tokens: number): string[] {
  return Array.from({ length: samples }, (_, s) => {
    const answer = `\n</think>\n<answer>\n\`\`\`sql\n${q.gold_sql}\n\`\`\`\n</answer>`;
    let reasoning = `<think>\nSample ${s + 1}: find the tables and columns the question needs.`;
    const sentence = ' Check each column against the schema, then the joins, filters and grouping.';
    while (estimateTokens(reasoning + sentence + answer) <= tokens) reasoning += sentence;
    return reasoning + answer;
  });
}
