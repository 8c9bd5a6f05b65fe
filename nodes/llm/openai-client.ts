// ModelClient over the OpenAI-compatible HTTP API that vLLM, SGLang, llama.cpp and r1flow's
// sim-llm serve. Sampling asks for `n` samples of many prompts in ONE request so the server can
// batch them; vLLM numbers the choices `promptIndex * n + sampleIndex`.
import { z } from 'zod';
import { R1flowError } from '../../engine/errors.ts';
import type {
  ChatMessage,
  ModelClient,
  Sample,
  SamplingOptions,
  TokenUsage,
} from '../../engine/model-client.ts';
import { describeServer, requestJson } from './request-json.ts';

export interface OpenAiClientOptions {
  /** Server root including the API version, e.g. `http://127.0.0.1:8000/v1`. */
  baseUrl: string;
  /** Model id to request; when absent, the first id `GET /models` lists. */
  model?: string | undefined;
  /** Sent as `Authorization: Bearer …`. */
  apiKey?: string | undefined;
  /** Limit for one attempt of a request, in ms. Default 120000. */
  timeoutMs?: number | undefined;
  /** Extra attempts after the first, for 429, 5xx and network failures. Default 3. */
  retries?: number | undefined;
  /** Delay before the first retry, in ms; doubles each retry, with jitter. Default 500. */
  backoffMs?: number | undefined;
  /** The named connection the server came from: errors name it instead of the URL. */
  connection?: string | undefined;
}

/** A ModelClient that can also say which model it talks to (recorded with the candidates). */
export interface NamedModelClient extends ModelClient {
  resolveModel(): Promise<string>;
}

const Usage = z.object({ prompt_tokens: z.number(), completion_tokens: z.number().default(0) });
const Indexed = z.object({ index: z.number().int().min(0) });
const FinishReason = z
  .string()
  .nullish()
  .transform((reason) => reason ?? null);

const CompletionResponse = z.object({
  choices: z.array(Indexed.extend({ text: z.string(), finish_reason: FinishReason })),
  usage: Usage.nullish(),
});
const ChatResponse = z.object({
  choices: z.array(
    Indexed.extend({
      message: z.object({
        content: z.string().nullish(),
        // vLLM's reasoning parsers fill `reasoning_content` (newer releases also `reasoning`).
        reasoning_content: z.string().nullish(),
        reasoning: z.string().nullish(),
      }),
      finish_reason: FinishReason,
    }),
  ),
  usage: Usage.nullish(),
});
const ModelsResponse = z.object({ data: z.array(z.object({ id: z.string() })) });
const EmbeddingsResponse = z.object({ data: z.array(Indexed.extend({ embedding: z.array(z.number()) })) });
const RerankResponse = z.object({ results: z.array(Indexed.extend({ relevance_score: z.number() })) });
const ScoreResponse = z.object({ data: z.array(Indexed.extend({ score: z.number() })) });

export class OpenAiClient implements NamedModelClient {
  readonly baseUrl: string;
  readonly #options: OpenAiClientOptions;
  #model: Promise<string> | undefined;

  constructor(options: OpenAiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#options = options;
    if (options.model !== undefined) this.#model = Promise.resolve(options.model);
  }

  /** The configured model, or the first one the server lists (asked once). */
  resolveModel(): Promise<string> {
    if (!this.#model) {
      this.#model = this.#call('/models', undefined, undefined, ModelsResponse).then(({ data }) => {
        const first = data[0];
        if (!first) throw this.#badResponse('/models', 'lists no models');
        return first.id;
      });
      this.#model.catch(() => {
        this.#model = undefined;
      });
    }
    return this.#model;
  }

  async complete(
    prompts: string[],
    options: SamplingOptions,
  ): Promise<{ samples: Sample[][]; usage?: TokenUsage }> {
    if (prompts.length === 0) return { samples: [] };
    const n = options.n ?? 1;
    const body = { model: await this.resolveModel(), prompt: prompts, ...samplingFields(options) };
    const response = await this.#call('/completions', body, options.signal, CompletionResponse);
    const choices = this.#inIndexOrder('/completions', response.choices, prompts.length * n);
    const samples = prompts.map((_, p) =>
      choices
        .slice(p * n, (p + 1) * n)
        .map((choice) => ({ text: choice.text, finishReason: choice.finish_reason })),
    );
    return withUsage({ samples }, response.usage);
  }

  async chat(
    messages: ChatMessage[],
    options: SamplingOptions,
  ): Promise<{ samples: Sample[]; usage?: TokenUsage }> {
    const body = { model: await this.resolveModel(), messages, ...samplingFields(options) };
    const response = await this.#call('/chat/completions', body, options.signal, ChatResponse);
    const choices = this.#inIndexOrder('/chat/completions', response.choices, options.n ?? 1);
    const samples = choices.map(({ message, finish_reason }) => {
      const sample: Sample = { text: message.content ?? '', finishReason: finish_reason };
      const reasoning = message.reasoning_content ?? message.reasoning;
      if (reasoning) sample.reasoning = reasoning;
      return sample;
    });
    return withUsage({ samples }, response.usage);
  }

  async embed(texts: string[], options: { signal?: AbortSignal } = {}): Promise<number[][]> {
    if (texts.length === 0) return [];
    const body = { model: await this.resolveModel(), input: texts };
    const response = await this.#call('/embeddings', body, options.signal, EmbeddingsResponse);
    return this.#inIndexOrder('/embeddings', response.data, texts.length).map((item) => item.embedding);
  }

  /** `/rerank` (Cohere/Jina/vLLM shape); falls back to vLLM's `/score` where `/rerank` is missing. */
  async rerank(
    query: string,
    documents: string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<number[]> {
    if (documents.length === 0) return [];
    const model = await this.resolveModel();
    try {
      const response = await this.#call(
        '/rerank',
        { model, query, documents },
        options.signal,
        RerankResponse,
      );
      return this.#inIndexOrder('/rerank', response.results, documents.length).map((r) => r.relevance_score);
    } catch (error) {
      if (!(error instanceof R1flowError && error.data?.status === 404)) throw error;
    }
    const body = { model, text_1: query, text_2: documents };
    const response = await this.#call('/score', body, options.signal, ScoreResponse);
    return this.#inIndexOrder('/score', response.data, documents.length).map((item) => item.score);
  }

  async #call<T extends z.ZodType>(
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
    shape: T,
  ): Promise<z.output<T>> {
    const json = await requestJson({
      url: this.baseUrl + path,
      body,
      apiKey: this.#options.apiKey,
      timeoutMs: this.#options.timeoutMs ?? 120_000,
      retries: this.#options.retries ?? 3,
      backoffMs: this.#options.backoffMs ?? 500,
      signal,
      connection: this.#options.connection,
    });
    const parsed = shape.safeParse(json);
    if (!parsed.success)
      throw this.#badResponse(path, `has an unexpected shape: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  }

  /** Sorts by `index` and checks that exactly indexes 0..count-1 came back. */
  #inIndexOrder<T extends { index: number }>(path: string, items: T[], count: number): T[] {
    const sorted = [...items].sort((a, b) => a.index - b.index);
    if (sorted.length !== count || sorted.some((item, position) => item.index !== position)) {
      const indexes = sorted.map((item) => item.index).join(', ');
      throw this.#badResponse(path, `returned items [${indexes}] where ${count} were expected`);
    }
    return sorted;
  }

  #badResponse(path: string, problem: string): R1flowError {
    const { text, data } = describeServer({ url: this.baseUrl + path, connection: this.#options.connection });
    return new R1flowError('LLM_BAD_RESPONSE', `model server ${text} ${problem}`, { data });
  }
}

function samplingFields(options: SamplingOptions): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (options.n !== undefined) fields.n = options.n;
  if (options.temperature !== undefined) fields.temperature = options.temperature;
  if (options.topP !== undefined) fields.top_p = options.topP;
  if (options.maxTokens !== undefined) fields.max_tokens = options.maxTokens;
  if (options.stop !== undefined && options.stop.length > 0) fields.stop = options.stop;
  return fields;
}

function withUsage<T extends object>(
  result: T,
  usage: z.output<typeof Usage> | null | undefined,
): T & { usage?: TokenUsage } {
  if (!usage) return result;
  return {
    ...result,
    usage: { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens },
  };
}
