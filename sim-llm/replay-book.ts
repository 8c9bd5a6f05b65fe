// Recorded model answers that sim-llm plays back. A replay file is JSONL, one line a question:
// `{db_id, question, responses: [...], corrections?: [...]}`; `corrections` answer sql.correct's
// prompts (the question asked again with its failed queries), `responses` everything else. Lines
// without a `question` (a `{"_comment": ...}` header) are skipped. A follow-up line also names the question it `follows`: it answers that text only
// right after that question in a conversation. Questions are looked up exactly, then by their
// normalised form (case, spacing and punctuation ignored), never by substring: that would be
// ambiguous, since one Spider question is contained in another.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { R1flowError } from '../engine/errors.ts';
import { trigramSimilarity } from './text-similarity.ts';

export interface ReplayBook {
  /** Where the answers came from, for messages. */
  readonly source: string;
  readonly size: number;
  /**
   * The recorded responses: of a follow-up of the last of `earlierQuestions` (the conversation's
   * earlier user questions), else of the question on its own; each as written, else by its
   * normalised form.
   */
  responsesFor(question: string, earlierQuestions?: readonly string[]): readonly string[] | undefined;
  /** The responses recorded for correction prompts of the question, found the same way; may be absent. */
  correctionsFor(question: string, earlierQuestions?: readonly string[]): readonly string[] | undefined;
  /**
   * Up to `limit` recorded questions sharing some text with `question`, most alike first; a
   * follow-up reads `<question it follows> → <follow-up>`.
   */
  closestQuestions(question: string, limit: number): string[];
}

const ReplayLine = z.object({
  question: z.string(),
  follows: z.string().optional(),
  responses: z.array(z.string()).min(1),
  corrections: z.array(z.string()).min(1).optional(),
});
type ReplayEntry = z.output<typeof ReplayLine>;

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
  return replayBookOf('no replay file', []);
}

// NUL never survives normalisation and is not typed into questions, so it cannot join two keys into one.
const entryKey = (question: string, follows: string | undefined): string =>
  follows === undefined ? question : `${follows}\u0000${question}`;
const normalisedKey = (question: string, follows: string | undefined): string =>
  entryKey(normaliseQuestion(question), follows === undefined ? undefined : normaliseQuestion(follows));

/** Entries in file order; where two share a (normalised) key the first one's answers win. */
function replayBookOf(source: string, entries: readonly ReplayEntry[]): ReplayBook {
  const exact = new Map<string, ReplayEntry>();
  const byNormalised = new Map<string, ReplayEntry>();
  for (const entry of entries) {
    const exactKey = entryKey(entry.question, entry.follows);
    if (!exact.has(exactKey)) exact.set(exactKey, entry);
    const looseKey = normalisedKey(entry.question, entry.follows);
    if (!byNormalised.has(looseKey)) byNormalised.set(looseKey, entry);
  }
  const labelled = entries.map(({ question, follows }) => ({
    label: follows === undefined ? question : `${follows} → ${question}`,
    key: normaliseQuestion(question),
  }));
  const lookup = (question: string, follows: string | undefined) =>
    exact.get(entryKey(question, follows)) ?? byNormalised.get(normalisedKey(question, follows));
  const find = (question: string, earlierQuestions: readonly string[]) => {
    const previous = earlierQuestions.at(-1);
    return (previous === undefined ? undefined : lookup(question, previous)) ?? lookup(question, undefined);
  };
  return {
    source,
    size: exact.size,
    responsesFor: (question, earlierQuestions = []) => find(question, earlierQuestions)?.responses,
    correctionsFor: (question, earlierQuestions = []) => find(question, earlierQuestions)?.corrections,
    closestQuestions(question, limit) {
      const key = normaliseQuestion(question);
      return labelled
        .map((entry, order) => ({ label: entry.label, order, score: trigramSimilarity(key, entry.key) }))
        .filter((entry) => entry.score > 0)
        .sort((a, b) => b.score - a.score || a.order - b.order)
        .slice(0, limit)
        .map((entry) => entry.label);
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
  const entries: ReplayEntry[] = [];
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
    entries.push(parsed.data);
  });
  return replayBookOf(path, entries);
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
