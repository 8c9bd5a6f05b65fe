// sql.correct's prompt: SQL-R1's prompt unchanged, then the queries that failed with the
// database's errors and a request for a corrected query in the same think/answer format. The
// failures come last so a prefix-caching server reuses the first request's schema and question.
import type { ExecutedCandidate } from '../types.ts';
import { buildSqlR1Prompt, type SqlR1PromptInput } from './sql-r1-prompt.ts';

/** Opens the correction section; sim-llm recognises a correction prompt by it. */
export const CORRECTION_HEADER =
  '\nSelf-correction:\nEvery SQL query tried so far for this question failed on the database.';

const CORRECTION_REQUEST =
  '\nWrite a corrected SQL query that answers the question and avoids these errors. Think it through ' +
  'within <think> </think>, then give the query within <answer> </answer>, in a ```sql ``` block.\n';

/** Failed queries shown, the most recent ones; older ones add length but rarely new errors. */
export const MAX_FAILURES_SHOWN = 8;
/** A model's runaway query or a long error is cut to this many characters. */
export const MAX_SQL_CHARS = 2000;
export const MAX_ERROR_CHARS = 500;

export interface CorrectionPromptInput extends SqlR1PromptInput {
  /** Every candidate tried so far, in order; only failed ones are expected. */
  failed: readonly ExecutedCandidate[];
}

/** The user message that asks the model to correct its failed queries. */
export function buildCorrectionPrompt(input: CorrectionPromptInput): string {
  const { failed, ...base } = input;
  const withSql = distinctFailures(failed).slice(-MAX_FAILURES_SHOWN);
  const withoutSql = failed.filter((candidate) => !hasSql(candidate.sql)).length;
  const sections = withSql.map(
    ({ sql, error }, i) =>
      `\nFailed query ${i + 1}:\n\`\`\`sql\n${cut(sql, MAX_SQL_CHARS)}\n\`\`\`\nError: ${error}\n`,
  );
  if (withoutSql > 0) {
    sections.push(`\n${withoutSql} of the answers had no SQL query in a \`\`\`sql\`\`\` block.\n`);
  }
  return `${buildSqlR1Prompt(base)}${CORRECTION_HEADER}\n${sections.join('')}${CORRECTION_REQUEST}`;
}

/**
 * A correction prompt's SQL-R1 part (everything before the correction section), or null when the
 * prompt is not a correction prompt.
 */
export function correctedPromptBase(prompt: string): string | null {
  const at = prompt.indexOf(CORRECTION_HEADER);
  return at < 0 ? null : prompt.slice(0, at);
}

/** Each failed SQL text once, with the error of its latest run, in the order last tried. */
function distinctFailures(failed: readonly ExecutedCandidate[]): { sql: string; error: string }[] {
  const latest = new Map<string, string>();
  for (const candidate of failed) {
    if (!hasSql(candidate.sql)) continue;
    latest.delete(candidate.sql);
    latest.set(candidate.sql, cut(describeError(candidate), MAX_ERROR_CHARS));
  }
  return [...latest].map(([sql, error]) => ({ sql, error }));
}

function describeError(candidate: ExecutedCandidate): string {
  const message = candidate.error?.message.trim();
  return message ? `${candidate.status}: ${message}` : candidate.status;
}

function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)} …(cut)`;
}

function hasSql(sql: string | null): sql is string {
  return sql !== null && sql.trim() !== '';
}
