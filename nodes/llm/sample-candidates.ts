// What llm.generate does: build the SQL-R1 prompt, ask the model server for `n` samples in one
// request, and turn the samples into candidates in the model's order. A batch of runs shares ONE
// `/v1/completions` request (a prompt array), so the server can schedule all their sequences together.
import type { NodeInvocation, Settled } from '../../engine/define-node.ts';
import { R1flowError } from '../../engine/errors.ts';
import type { ChatMessage, Sample, SamplingOptions } from '../../engine/model-client.ts';
import type { ThreadTurn } from '../../engine/thread-turns.ts';
import type { SqlExample } from '../examples/example-types.ts';
import type { SchemaContext, SqlCandidates } from '../types.ts';
import { earlierTurnMessages } from './conversation.ts';
import { toCandidate } from './extract-sql.ts';
import type { GenerateParams } from './generate-params.ts';
import { getModelClient, resolveModelServerConfig } from './model-client-resource.ts';
import { chargeModelCall, chargeSharedModelCall, modelClock } from './model-cost.ts';
import { modelServerOfConnection } from './model-server-connection.ts';
import type { NamedModelClient } from './openai-client.ts';
import { buildSqlR1Prompt, DB_ENGINE_NAMES, QWEN_END_OF_TURN, wrapInQwenChat } from './sql-r1-prompt.ts';

export interface GenerateInputs {
  question: string;
  schema: SchemaContext;
  /** A follow-up's earlier turns. */
  history?: ThreadTurn[];
  /** Verified examples; only the `sql-r1-examples` style shows them. */
  examples?: SqlExample[];
}

// A type alias, not an interface: node outputs must be assignable to Record<string, unknown>.
export type GenerateOutputs = {
  candidates: SqlCandidates;
  prompt: string;
};

type Invocation = NodeInvocation<GenerateParams, GenerateInputs>;

/** Everything that must be equal for runs to share one request. */
export function generateBatchKey(params: GenerateParams): string {
  const { connection, baseUrl, model, promptStyle, n, temperature, topP, maxTokens, stop, requestTimeoutMs } =
    params;
  return JSON.stringify([
    connection,
    baseUrl,
    model,
    promptStyle,
    n,
    temperature,
    topP,
    maxTokens,
    stop,
    requestTimeoutMs,
  ]);
}

/** One run: its `n` samples come from one request, never `n` requests. */
export function sampleCandidates({ params, inputs, ctx }: Invocation): Promise<GenerateOutputs> {
  ctx.progress({ message: `sampling ${params.n} candidates` });
  return sampleForMessage({ params, ctx }, sqlR1MessageFor(params, inputs), earlierTurnsFor(params, inputs));
}

/**
 * `n` samples for one user message after a follow-up's `earlier` turns, sent the way
 * `promptStyle` says (ChatML on `/v1/completions` or chat messages). llm.generate sends SQL-R1's
 * prompt; sql.correct sends it with failed queries appended.
 */
export async function sampleForMessage(
  { params, ctx }: Pick<Invocation, 'params' | 'ctx'>,
  message: string,
  earlier: readonly ChatMessage[] = [],
): Promise<GenerateOutputs> {
  const client = await clientFor({ params, ctx });
  const prompt = framed(params, message, earlier);
  const options = samplingOptions(params, ctx.signal);
  const clock = modelClock();
  const [model, { samples, usage }] = await Promise.all([
    client.resolveModel(),
    params.promptStyle === 'chat'
      ? client.chat([...earlier, { role: 'user', content: prompt }], options)
      : client
          .complete([prompt], options)
          .then(({ samples, usage }) => ({ samples: samples[0] ?? [], usage })),
  ]);
  chargeModelCall(ctx, usage, clock());
  const outputs = toOutputs(samples, model, prompt, params.source);
  if (usage) {
    outputs.candidates.promptTokens = usage.promptTokens;
    outputs.candidates.completionTokens = usage.completionTokens;
  }
  return outputs;
}

/**
 * Many runs with equal batch keys. `sql-r1` prompts go out as one prompt array; when the server
 * refuses the request because of one prompt (a 4xx such as an unknown question or a prompt that is
 * too long), each run is retried alone so it succeeds or fails on its own. `chat` has no prompt
 * arrays: its runs go out as concurrent single requests.
 */
export async function sampleCandidatesBatch(items: Invocation[]): Promise<Settled<GenerateOutputs>[]> {
  const first = items[0];
  if (!first || items.length === 1 || first.params.promptStyle === 'chat') return settleEach(items);
  const prompts = items.map(({ params, inputs }) => promptFor(params, inputs));
  // One run's cancel must not abort the request the other runs share.
  const signal = abortedWhenAll(items.map(({ ctx }) => ctx.signal));
  try {
    const client = await clientFor(first);
    const clock = modelClock();
    const [model, { samples, usage }] = await Promise.all([
      client.resolveModel(),
      client.complete(prompts, samplingOptions(first.params, signal)),
    ]);
    const modelMs = clock();
    chargeSharedModelCall(
      items.map(({ ctx }, i) => ({
        ctx,
        promptChars: prompts[i]?.length ?? 0,
        sampleChars: (samples[i] ?? []).reduce((sum, sample) => sum + sample.text.length, 0),
      })),
      usage,
      modelMs,
    );
    return items.map(({ ctx, params }, i): Settled<GenerateOutputs> => {
      if (ctx.signal.aborted) return { ok: false, error: ctx.signal.reason };
      return { ok: true, value: toOutputs(samples[i] ?? [], model, prompts[i] ?? '', params.source) };
    });
  } catch (error) {
    if (concernsOnePrompt(error)) return settleEach(items);
    return items.map(() => ({ ok: false, error }));
  }
}

function settleEach(items: Invocation[]): Promise<Settled<GenerateOutputs>[]> {
  return Promise.all(
    items.map((item) =>
      sampleCandidates(item).then(
        (value): Settled<GenerateOutputs> => ({ ok: true, value }),
        (error: unknown): Settled<GenerateOutputs> => ({ ok: false, error }),
      ),
    ),
  );
}

function concernsOnePrompt(error: unknown): boolean {
  if (!(error instanceof R1flowError)) return false;
  if (error.code === 'LLM_UNKNOWN_QUESTION') return true;
  const status = error.data?.status;
  return error.code === 'LLM_HTTP_ERROR' && typeof status === 'number' && status >= 400 && status < 500;
}

async function clientFor({ params, ctx }: Pick<Invocation, 'params' | 'ctx'>): Promise<NamedModelClient> {
  const config = resolveModelServerConfig(ctx, params);
  return getModelClient(ctx, {
    ...config,
    ...(params.connection === undefined ? {} : await modelServerOfConnection(ctx, params.connection)),
    timeoutMs: params.requestTimeoutMs,
  });
}

function promptFor(params: GenerateParams, inputs: GenerateInputs): string {
  return framed(params, sqlR1MessageFor(params, inputs), earlierTurnsFor(params, inputs));
}

function earlierTurnsFor(params: GenerateParams, inputs: GenerateInputs): ChatMessage[] {
  return earlierTurnMessages(inputs.history, params.historyTurns);
}

/**
 * `sql-r1`(`-examples`): ChatML text for `/v1/completions`, after a follow-up's earlier turns; `chat`: the user
 * message for `/v1/chat/completions` (the earlier turns go before it as messages).
 */
function framed(params: GenerateParams, message: string, earlier: readonly ChatMessage[]): string {
  return params.promptStyle === 'chat' ? message : wrapInQwenChat(message, earlier);
}

/** SQL-R1's user message for this question. */
export function sqlR1MessageFor(
  params: Pick<GenerateParams, 'externalKnowledge' | 'promptStyle'>,
  inputs: GenerateInputs,
): string {
  return buildSqlR1Prompt({
    schema: inputs.schema.ddl,
    question: inputs.question,
    externalKnowledge: params.externalKnowledge,
    dbEngine: DB_ENGINE_NAMES[inputs.schema.dialect],
    examples: params.promptStyle === 'sql-r1-examples' ? inputs.examples : undefined,
  });
}

function samplingOptions(params: GenerateParams, signal: AbortSignal): SamplingOptions {
  // SQL-R1 stops Qwen2.5 at <|im_end|>; a raw completion needs it said as a stop string.
  const stop = params.promptStyle !== 'chat' ? [QWEN_END_OF_TURN, ...(params.stop ?? [])] : params.stop;
  const options: SamplingOptions = {
    n: params.n,
    temperature: params.temperature,
    maxTokens: params.maxTokens,
    signal,
  };
  if (params.topP !== undefined) options.topP = params.topP;
  if (stop !== undefined) options.stop = [...new Set(stop)];
  return options;
}

/** Every candidate carries its source: the `source` param, else the model that wrote it. */
function toOutputs(
  samples: Sample[],
  model: string,
  prompt: string,
  source: string | undefined,
): GenerateOutputs {
  const candidates = samples.map((sample, index) => ({
    ...toCandidate(sample, index),
    source: source ?? model,
  }));
  return { candidates: { candidates, model }, prompt };
}

/** A signal that aborts once every one of `signals` has. */
function abortedWhenAll(signals: AbortSignal[]): AbortSignal {
  const controller = new AbortController();
  const check = () => {
    if (signals.every((signal) => signal.aborted)) controller.abort(signals[0]?.reason);
  };
  for (const signal of signals) signal.addEventListener('abort', check, { once: true });
  check();
  return controller.signal;
}
