// Params of llm.generate@1. Defaults follow SQL-R1's inference script (`sh/inference.sh`: n=8,
// temperature 0.8, max_tokens 2048); the descriptions are what the editor shows.
import { z } from 'zod';
import { CONNECTION_NAME } from '../../engine/connections.ts';

export const GenerateParamsSchema = z
  .object({
    n: z.number().int().min(1).max(64).default(8).describe('Samples per question, asked for in one request'),
    temperature: z.number().min(0).max(2).default(0.8).describe('Sampling temperature'),
    topP: z.number().gt(0).max(1).optional().describe('Nucleus sampling; left to the server when empty'),
    maxTokens: z.number().int().min(1).max(32_768).default(2048).describe('Most tokens a sample may have'),
    stop: z.array(z.string().min(1)).max(16).optional().describe('Extra stop strings'),
    promptStyle: z
      .enum(['sql-r1', 'chat'])
      .default('sql-r1')
      .describe(
        "'sql-r1': SQL-R1's prompt in Qwen2.5's chat format on /v1/completions; " +
          "'chat': the same text as a user message on /v1/chat/completions (DeepSeek-R1 style reasoning)",
      ),
    connection: z
      .string()
      .regex(CONNECTION_NAME, 'a connection name: a letter, then letters, digits, _ or -')
      .optional()
      .describe(
        'Named connection (kind openai) of the model server, instead of baseUrl; its password is the API key',
      ),
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('Model server root including /v1; default R1FLOW_LLM_URL or http://127.0.0.1:8000/v1'),
    model: z
      .string()
      .min(1)
      .optional()
      .describe('Model id; default R1FLOW_LLM_MODEL or the first the server lists'),
    requestTimeoutMs: z
      .number()
      .int()
      .min(1000)
      .max(3_600_000)
      .default(120_000)
      .describe('Limit for one attempt of the request, in ms'),
    externalKnowledge: z
      .string()
      .optional()
      .describe("Evidence put before the question (BIRD's external knowledge)"),
    historyTurns: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(3)
      .describe("A follow-up's earlier turns (question and chosen SQL) put before the question; 0: none"),
  })
  .strict()
  .refine((params) => params.connection === undefined || params.baseUrl === undefined, {
    message: 'give a connection or a baseUrl, not both',
    path: ['connection'],
  });

export type GenerateParams = z.output<typeof GenerateParamsSchema>;
