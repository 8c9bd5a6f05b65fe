// Recorded model answers that sim-llm plays back. A replay file is JSONL, one line a question:
// `{db_id, question, responses: [...], corrections?: [...]}`; `corrections` answer sql.correct's
// prompts (the question asked again with its failed queries), `responses` everything else. Lines without a `question` (a `{"_comment": ...}` header)
// are skipped. Questions are looked up exactly, then by their normalised form (case, spacing and
// punctuation ignored), never by substring: that would be ambiguous, since one Spider question is
// contained in another.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { R1flowError } from '../engine/errors.ts';
import { trigramSimilarity } from './text-similarity.ts';

export interface ReplayBook {
  /** Where the answers came from, for messages. */
  readonly source: string;
  readonly size: number;
  /** The recorded responses: of the question as written, else of one with the same normalised form. */
  responsesFor(question: string): readonly string[] | undefined;
  /** The responses recorded for correction prompts of the question, found the same way; may be absent. */
  correctionsFor(question: string): readonly string[] | undefined;
  /** Up to `limit` recorded questions sharing some text with `question`, most alike first. */
  closestQuestions(question: string, limit: number): string[];
}

const ReplayLine = z.object({
  question: z.string(),
  responses: z.array(z.string()).min(1),
  corrections: z.array(z.string()).min(1).optional(),
});

interface RecordedAnswers {
  responses: readonly string[];
  corrections?: readonly string[] | undefined;
}

/**
 * The question without what a person retyping it varies: Unicode compatibility forms, case, and
 * runs of spaces and punctuation (each becomes one space, so words never merge).
 */
export function normaliseQuestion(question: string): string {
  return question
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
    .trim();
}

export function emptyReplayBook(): ReplayBook {
  return replayBookOf('no replay file', new Map());
}

/** `answers` in file order; where two questions share a normalised form the first one's answers win. */
function replayBookOf(source: string, answers: ReadonlyMap<string, RecordedAnswers>): ReplayBook {
  const byNormalised = new Map<string, RecordedAnswers>();
  const normalised = [...answers].map(([question, recorded]) => {
    const key = normaliseQuestion(question);
    if (!byNormalised.has(key)) byNormalised.set(key, recorded);
    return { question, key };
  });
  const find = (question: string) => answers.get(question) ?? byNormalised.get(normaliseQuestion(question));
  return {
    source,
    size: answers.size,
    responsesFor: (question) => find(question)?.responses,
    correctionsFor: (question) => find(question)?.corrections,
    closestQuestions(question, limit) {
      const key = normaliseQuestion(question);
      return normalised
        .map((entry, order) => ({
          question: entry.question,
          order,
          score: trigramSimilarity(key, entry.key),
        }))
        .filter((entry) => entry.score > 0)
        .sort((a, b) => b.score - a.score || a.order - b.order)
        .slice(0, limit)
        .map((entry) => entry.question);
    },
  };
}

export function loadReplayBook(path: string): ReplayBook {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new R1flowError(
      'CONFIG_INVALID',
      `cannot read the replay file ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const answers = new Map<string, RecordedAnswers>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `replay file ${path} line ${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new R1flowError('CONFIG_INVALID', `${where} is not JSON`);
    }
    if (typeof json !== 'object' || json === null || !('question' in json)) return;
    const parsed = ReplayLine.safeParse(json);
    if (!parsed.success)
      throw new R1flowError('CONFIG_INVALID', `${where}: ${z.prettifyError(parsed.error)}`);
    const { question, responses, corrections } = parsed.data;
    if (!answers.has(question)) answers.set(question, { responses, corrections });
  });
  return replayBookOf(path, answers);
}

/** sim-llm's token estimate: about four characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export interface RenderedResponse {
  text: string;
  finishReason: 'stop' | 'length';
}

/**
 * A recorded response as a server would return it: cut before the first stop string (which is
 * not included, as in vLLM), then cut to `maxTokens` (about four characters a token) with
 * `finish_reason: 'length'`.
 */
export function renderResponse(
  response: string,
  maxTokens: number | undefined,
  stop: readonly string[],
): RenderedResponse {
  let text = response;
  for (const marker of stop) {
    const at = marker === '' ? -1 : text.indexOf(marker);
    if (at >= 0) text = text.slice(0, at);
  }
  if (maxTokens !== undefined && estimateTokens(text) > maxTokens) {
    return { text: text.slice(0, maxTokens * 4), finishReason: 'length' };
  }
  return { text, finishReason: 'stop' };
}
