// What nodes need from a model server. The OpenAI-compatible HTTP implementation lives in
// nodes/llm/; tests can hand nodes any object that keeps this contract.

export interface SamplingOptions {
  /** Samples per prompt. */
  n?: number;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  signal?: AbortSignal;
}

export interface Sample {
  text: string;
  /** Reasoning the server returned apart from the text (DeepSeek-R1's `reasoning_content`). */
  reasoning?: string;
  finishReason: string | null;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ModelClient {
  /** `/v1/completions` with several prompts in one request; returns each prompt's `n` samples in order. */
  complete(prompts: string[], options: SamplingOptions): Promise<{ samples: Sample[][]; usage?: TokenUsage }>;
  /** `/v1/chat/completions`; one conversation, `n` samples. */
  chat(messages: ChatMessage[], options: SamplingOptions): Promise<{ samples: Sample[]; usage?: TokenUsage }>;
  /** `/v1/embeddings`: one vector per input, in order. */
  embed(texts: string[], options?: { signal?: AbortSignal }): Promise<number[][]>;
  /** `/v1/rerank` (or vLLM `/score`): a relevance score per document, in the documents' order. */
  rerank(query: string, documents: string[], options?: { signal?: AbortSignal }): Promise<number[]>;
}
