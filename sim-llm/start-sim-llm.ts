// sim-llm: an OpenAI-compatible model server that plays back recorded answers, optionally
// delayed by a measured GPU cost model under static, continuous or serial batching. It lets the
// NL2SQL flow, its tests and the batching benchmark run without a GPU; a real vLLM server is a
// drop-in replacement.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { type ErrorCode, R1flowError } from '../engine/errors.ts';
import { FREE_COST_MODEL, loadCostModel } from './cost-model.ts';
import {
  createChatCompletion,
  createCompletion,
  createEmbeddings,
  listModels,
  rerank,
  type SimContext,
  score,
} from './openai-handlers.ts';
import { emptyReplayBook, loadReplayBook } from './replay-book.ts';
import { type SimMetrics, SimMetricsRecorder } from './sim-metrics.ts';
import { SCHEDULING_MODES, VirtualGpu } from './virtual-gpu.ts';

export const SimLlmOptionsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65_535).default(0),
  /** JSONL of recorded answers; without it every question is unknown (404). */
  replayPath: z.string().optional(),
  /** GPU batching profile (JSON); without it answers come at once. */
  profilePath: z.string().optional(),
  mode: z.enum(SCHEDULING_MODES).default('continuous'),
  /** Divides every simulated delay. */
  speed: z.number().positive().default(1),
  /** Most sequences running at once in continuous mode. */
  maxBatchSequences: z.number().int().min(1).default(64),
  embeddingDim: z.number().int().min(1).max(65_536).default(256),
  model: z.string().min(1).default('sim-sql-r1'),
});
export type SimLlmOptions = z.input<typeof SimLlmOptionsSchema>;

export interface SimLlmServer {
  /** The API root, ending with `/v1`. */
  url: string;
  port: number;
  close(): Promise<void>;
  metrics(): SimMetrics;
  /** The latest prompts the server generated for (at most 64), oldest first. */
  recentPrompts(): string[];
}

type Handler = (body: unknown, sim: SimContext) => unknown;

const JSON_ROUTES: Record<string, Handler> = {
  'GET /v1/models': (_body, sim) => listModels(sim),
  'POST /v1/completions': createCompletion,
  'POST /v1/chat/completions': createChatCompletion,
  'POST /v1/embeddings': createEmbeddings,
  'POST /v1/rerank': rerank,
  'POST /rerank': rerank,
  'POST /score': score,
  'POST /v1/score': score,
  'GET /metrics.json': (_body, sim) => sim.metrics.snapshot(),
  'GET /health': (_body, sim) => ({ status: 'ok', model: sim.model, questions: sim.book.size }),
};

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function startSimLlm(options: SimLlmOptions = {}): Promise<SimLlmServer> {
  const parsed = SimLlmOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new R1flowError('CONFIG_INVALID', `sim-llm options: ${z.prettifyError(parsed.error)}`);
  }
  const config = parsed.data;
  const metrics = new SimMetricsRecorder(config.mode, config.speed);
  const cost = config.profilePath === undefined ? FREE_COST_MODEL : loadCostModel(config.profilePath);
  const sim: SimContext = {
    model: config.model,
    book: config.replayPath === undefined ? emptyReplayBook() : loadReplayBook(config.replayPath),
    gpu: new VirtualGpu(
      { mode: config.mode, cost, speed: config.speed, maxBatchSequences: config.maxBatchSequences },
      metrics,
    ),
    metrics,
    embeddingDimensions: config.embeddingDim,
    recentPrompts: [],
  };
  const server = createServer((request, response) => void serve(request, response, sim));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}/v1`,
    port,
    metrics: () => metrics.snapshot(),
    recentPrompts: () => [...sim.recentPrompts],
    close: async () => {
      sim.gpu.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

async function serve(request: IncomingMessage, response: ServerResponse, sim: SimContext): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://sim-llm').pathname;
  const route = `${request.method} ${path}`;
  const handler = JSON_ROUTES[route];
  sim.metrics.httpRequest(handler || path === '/metrics' ? path : 'other');
  try {
    if (route === 'GET /metrics') {
      send(response, 200, sim.metrics.prometheus(), 'text/plain; version=0.0.4');
      return;
    }
    if (!handler) throw new R1flowError('NOT_FOUND', `sim-llm has no route ${route}`);
    const body = request.method === 'POST' ? await readJsonBody(request) : undefined;
    send(response, 200, JSON.stringify(await handler(body, sim)), 'application/json');
  } catch (error) {
    const { status, body } = errorBody(error);
    send(response, status, JSON.stringify(body), 'application/json');
  }
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new R1flowError('BAD_REQUEST', `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new R1flowError('BAD_REQUEST', 'request body is not valid JSON');
  }
}

const ERROR_STATUS: Partial<Record<ErrorCode, { status: number; type: string }>> = {
  BAD_REQUEST: { status: 400, type: 'invalid_request_error' },
  NOT_FOUND: { status: 404, type: 'not_found_error' },
  LLM_UNKNOWN_QUESTION: { status: 404, type: 'unknown_question' },
};

/** OpenAI's error shape: `{error: {message, type, param, code}}`, plus the question when unknown. */
function errorBody(error: unknown): { status: number; body: unknown } {
  const known = error instanceof R1flowError ? ERROR_STATUS[error.code] : undefined;
  const { status, type } = known ?? { status: 500, type: 'internal_error' };
  const message = error instanceof Error ? error.message : String(error);
  const question = error instanceof R1flowError ? error.data?.question : undefined;
  return {
    status,
    body: { error: { message, type, param: null, code: status, ...(question ? { question } : {}) } },
  };
}

function send(response: ServerResponse, status: number, body: string, contentType: string): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
