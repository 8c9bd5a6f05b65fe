// sim-llm's OpenAI-compatible endpoints as functions from a request body to a response body.
// Generation finds each prompt's question (SQL-R1's `Question:` section) and the questions asked
// before it in the conversation (a follow-up), plays back the recorded responses in order
// (cycling when `n` exceeds them) and answers when the simulated GPU has generated them. A
// correction prompt (sql.correct's) gets the question's recorded `corrections`, or its responses
// again when none were recorded, as a model that repeats itself would.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { R1flowError } from '../engine/errors.ts';
import { correctedPromptBase } from '../nodes/llm/correction-prompt.ts';
import { findPromptQuestion } from '../nodes/llm/sql-r1-prompt.ts';
import { type AskedQuestion, askedInChat, askedInCompletion } from './asked-question.ts';
import { estimateTokens, type RenderedResponse, type ReplayBook, renderResponse } from './replay-book.ts';
import type { SimMetricsRecorder } from './sim-metrics.ts';
import { embedText, lexicalOverlap } from './text-similarity.ts';
import type { VirtualGpu } from './virtual-gpu.ts';

export interface SimContext {
  model: string;
  book: ReplayBook;
  gpu: VirtualGpu;
  metrics: SimMetricsRecorder;
  embeddingDimensions: number;
  /** The latest prompts generated for, oldest first, at most RECENT_PROMPTS (for tests and debugging). */
  recentPrompts: string[];
}

export const RECENT_PROMPTS = 64;

const StopField = z.union([z.string(), z.array(z.string())]).nullish();
const SamplingFields = {
  model: z.string().optional(),
  n: z.number().int().min(1).max(256).default(1),
  max_tokens: z.number().int().min(1).nullish(),
  stop: StopField,
  stream: z.literal(false).optional(),
};
const CompletionRequest = z.object({
  ...SamplingFields,
  prompt: z.union([z.string(), z.array(z.string()).min(1)]),
});
const MessageContent = z.union([
  z.string(),
  z.array(z.object({ type: z.string(), text: z.string().optional() })),
]);
const ChatRequest = z.object({
  ...SamplingFields,
  messages: z.array(z.object({ role: z.string(), content: MessageContent.nullish() })).min(1),
});
const EmbeddingRequest = z.object({
  model: z.string().optional(),
  input: z.union([z.string(), z.array(z.string())]),
});
const RerankRequest = z.object({
  model: z.string().optional(),
  query: z.string(),
  documents: z.array(z.union([z.string(), z.object({ text: z.string() })])),
  top_n: z.number().int().min(1).optional(),
});
const ScoreRequest = z.object({
  model: z.string().optional(),
  text_1: z.union([z.string(), z.array(z.string())]),
  text_2: z.union([z.string(), z.array(z.string())]),
});

export function listModels(sim: SimContext): unknown {
  return {
    object: 'list',
    data: [{ id: sim.model, object: 'model', created: nowSeconds(), owned_by: 'r1flow-sim-llm' }],
  };
}

export async function createCompletion(body: unknown, sim: SimContext): Promise<unknown> {
  const request = parseBody(CompletionRequest, body);
  const prompts = typeof request.prompt === 'string' ? [request.prompt] : request.prompt;
  const { outputs, usage } = await generate(sim, prompts.map(askedInCompletion), prompts, request);
  return {
    id: `cmpl-${randomUUID()}`,
    object: 'text_completion',
    created: nowSeconds(),
    model: request.model ?? sim.model,
    // vLLM numbers the choices of a prompt array promptIndex * n + sampleIndex.
    choices: outputs.flatMap((samples, p) =>
      samples.map((sample, s) => ({
        index: p * request.n + s,
        text: sample.text,
        logprobs: null,
        finish_reason: sample.finishReason,
      })),
    ),
    usage,
  };
}

export async function createChatCompletion(body: unknown, sim: SimContext): Promise<unknown> {
  const request = parseBody(ChatRequest, body);
  const texts = request.messages.map((message) => ({
    role: message.role,
    text: contentText(message.content),
  }));
  const asked = askedInChat(
    texts.filter((message) => message.role === 'user').map((message) => message.text),
  );
  const conversation = texts.map((message) => message.text).join('\n');
  const { outputs, usage } = await generate(sim, [asked], [conversation], request);
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: nowSeconds(),
    model: request.model ?? sim.model,
    choices: (outputs[0] ?? []).map((sample, index) => ({
      index,
      message: { role: 'assistant', content: sample.text },
      logprobs: null,
      finish_reason: sample.finishReason,
    })),
    usage,
  };
}

export function createEmbeddings(body: unknown, sim: SimContext): unknown {
  const request = parseBody(EmbeddingRequest, body);
  const inputs = typeof request.input === 'string' ? [request.input] : request.input;
  const tokens = inputs.reduce((sum, input) => sum + estimateTokens(input), 0);
  return {
    object: 'list',
    model: request.model ?? sim.model,
    data: inputs.map((input, index) => ({
      object: 'embedding',
      index,
      embedding: embedText(input, sim.embeddingDimensions),
    })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/** Cohere/Jina/vLLM `/rerank`: results best first, each with its document's index. */
export function rerank(body: unknown, sim: SimContext): unknown {
  const request = parseBody(RerankRequest, body);
  const documents = request.documents.map((document) =>
    typeof document === 'string' ? document : document.text,
  );
  const results = documents
    .map((text, index) => ({
      index,
      relevance_score: lexicalOverlap(request.query, text),
      document: { text },
    }))
    .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index)
    .slice(0, request.top_n ?? documents.length);
  return { id: `rerank-${randomUUID()}`, model: request.model ?? sim.model, results };
}

/** vLLM `/score`: one text against many (or pairwise), scores in input order. */
export function score(body: unknown, sim: SimContext): unknown {
  const request = parseBody(ScoreRequest, body);
  const seconds = typeof request.text_2 === 'string' ? [request.text_2] : request.text_2;
  const firsts =
    typeof request.text_1 === 'string' ? seconds.map(() => request.text_1 as string) : request.text_1;
  if (firsts.length !== seconds.length) {
    throw new R1flowError('BAD_REQUEST', 'text_1 must be one text or as many texts as text_2');
  }
  return {
    id: `score-${randomUUID()}`,
    object: 'list',
    created: nowSeconds(),
    model: request.model ?? sim.model,
    data: seconds.map((text, index) => ({
      index,
      object: 'score',
      score: lexicalOverlap(firsts[index]!, text),
    })),
  };
}

/**
 * `questions[i]` is what prompt i asks; `promptTexts[i]` is what counts as its prompt tokens.
 * Every question must be known, or the whole request fails, as a real server fails a request with
 * one bad prompt.
 */
async function generate(
  sim: SimContext,
  questions: AskedQuestion[],
  promptTexts: string[],
  request: { n: number; max_tokens?: number | null | undefined; stop?: string | string[] | null | undefined },
): Promise<{ outputs: RenderedResponse[][]; usage: Record<string, number> }> {
  const stop = request.stop == null ? [] : typeof request.stop === 'string' ? [request.stop] : request.stop;
  sim.recentPrompts.push(...promptTexts);
  sim.recentPrompts.splice(0, Math.max(0, sim.recentPrompts.length - RECENT_PROMPTS));
  const outputs = questions.map((asked) => {
    const responses = recordedResponses(sim, asked);
    return Array.from({ length: request.n }, (_, s) =>
      renderResponse(responses[s % responses.length]!, request.max_tokens ?? undefined, stop),
    );
  });
  const work = outputs.flatMap((samples, p) => {
    const promptTokens = estimateTokens(promptTexts[p] ?? '');
    return samples.map((sample) => ({ promptTokens, decodeTokens: estimateTokens(sample.text) }));
  });
  const promptTokens = promptTexts.reduce((sum, prompt) => sum + estimateTokens(prompt), 0);
  const completionTokens = work.reduce((sum, sequence) => sum + sequence.decodeTokens, 0);
  sim.metrics.generation(work.length, promptTokens, completionTokens);
  await sim.gpu.submit(work);
  return {
    outputs,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

function recordedResponses(sim: SimContext, asked: AskedQuestion): readonly string[] {
  const correctionBase = correctedPromptBase(asked.prompt);
  const question = findPromptQuestion(correctionBase ?? asked.prompt);
  const responses =
    question === null
      ? undefined
      : ((correctionBase === null ? undefined : sim.book.correctionsFor(question, asked.earlier)) ??
        sim.book.responsesFor(question, asked.earlier));
  if (responses) return responses;
  sim.metrics.unknownQuestion();
  const previous = asked.earlier.at(-1);
  const after = previous === undefined ? '' : ` after ${JSON.stringify(previous)}`;
  const message =
    question === null
      ? "the prompt has no SQL-R1 'Question:' section, so sim-llm cannot find a recorded answer"
      : `sim-llm has no recorded answer for the question ${JSON.stringify(question)}${after} (${sim.book.source})${closestHint(sim.book, question)}`;
  throw new R1flowError('LLM_UNKNOWN_QUESTION', message, {
    retryable: false,
    data: question === null ? {} : { question },
  });
}

const CLOSEST_QUESTIONS = 3;

/** The recorded questions nearest an unknown one, so a near-miss (a typo, a changed word) is easy to fix. */
function closestHint(book: ReplayBook, question: string): string {
  const closest = book.closestQuestions(question, CLOSEST_QUESTIONS);
  if (closest.length === 0) return '';
  return `; closest recorded questions: ${closest.map((known) => JSON.stringify(known)).join(', ')}`;
}

function contentText(content: z.output<typeof MessageContent> | null | undefined): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => part.text ?? '').join('');
}

function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new R1flowError('BAD_REQUEST', z.prettifyError(parsed.error));
  return parsed.data;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
