// One model client per server configuration and process, shared by every node through
// `ctx.resources`, and the rule for where that configuration comes from: the node's params, then
// the host's settings (environment), then the local default.
import type { NodeContext } from '../../engine/define-node.ts';
import { defineResource } from '../../engine/resources.ts';
import { type NamedModelClient, OpenAiClient } from './openai-client.ts';

export const LLM_URL_ENV = 'R1FLOW_LLM_URL';
export const LLM_MODEL_ENV = 'R1FLOW_LLM_MODEL';
export const LLM_API_KEY_ENV = 'R1FLOW_LLM_API_KEY';
/** Where `r1flow sim-llm` and `vllm serve` listen by default. */
export const DEFAULT_LLM_URL = 'http://127.0.0.1:8000/v1';

export interface ModelServerConfig {
  /** Server root including `/v1`. */
  baseUrl: string;
  /** When absent, the first model the server lists. */
  model?: string | undefined;
  apiKey?: string | undefined;
  /** Limit for one attempt of a request, in ms (default 120000). */
  timeoutMs?: number | undefined;
  /** The named connection the server came from: errors name it instead of the URL. */
  connection?: string | undefined;
}

export const modelClientResource = defineResource<NamedModelClient>({
  name: 'llm.model-client',
  // The key is the JSON of a ModelServerConfig (see getModelClient).
  create: (key) => new OpenAiClient(JSON.parse(key) as ModelServerConfig),
});

/** The process's client for this server configuration, created on first use. */
export function getModelClient(ctx: NodeContext, config: ModelServerConfig): Promise<NamedModelClient> {
  const key: ModelServerConfig = {
    baseUrl: config.baseUrl,
    model: config.model,
    apiKey: config.apiKey,
    timeoutMs: config.timeoutMs,
    connection: config.connection,
  };
  return ctx.resources.get(modelClientResource, JSON.stringify(key));
}

/** Params win over the host's settings; the API key comes only from the host, never from a flow. */
export function resolveModelServerConfig(
  ctx: NodeContext,
  params: { baseUrl?: string | undefined; model?: string | undefined },
): ModelServerConfig {
  return {
    baseUrl: params.baseUrl ?? ctx.setting(LLM_URL_ENV) ?? DEFAULT_LLM_URL,
    model: params.model ?? ctx.setting(LLM_MODEL_ENV),
    apiKey: ctx.secret(LLM_API_KEY_ENV),
  };
}
