// Keeps each warehouse's examples index in step with the store: after an example is added or
// removed, the warehouse's verified examples are written to its index file (see
// nodes/examples/examples-location.ts), with question embeddings when an embeddings server is
// configured. An embeddings failure still writes the index, for BM25 alone, and says so.
import type { Logger } from '../../engine/define-node.ts';
import type { HostSettings } from '../../engine/host-settings.ts';
import type { ExampleRecords } from '../../engine/store/feedback-records.ts';
import { type ExampleEmbeddings, writeExamplesIndex } from '../../nodes/examples/examples-index.ts';
import { examplesIndexPath } from '../../nodes/examples/examples-location.ts';
import { LLM_API_KEY_ENV } from '../../nodes/llm/model-client-resource.ts';
import { OpenAiClient } from '../../nodes/llm/openai-client.ts';
import { EMBEDDINGS_MODEL_ENV, EMBEDDINGS_URL_ENV } from '../../nodes/schema/retrieve-schema.ts';

export async function refreshExamplesIndex(
  examples: ExampleRecords,
  settings: HostSettings,
  warehouse: string,
  logger?: Logger,
): Promise<string> {
  const verified = await examples.list({ warehouse });
  const path = examplesIndexPath(warehouse, settings.setting);
  const embeddings =
    verified.length > 0
      ? await embedQuestions(
          verified.map((e) => e.question),
          settings,
          logger,
        )
      : undefined;
  await writeExamplesIndex(path, verified, embeddings);
  logger?.info('examples index written', {
    warehouse,
    examples: verified.length,
    embedded: embeddings !== undefined,
  });
  return path;
}

async function embedQuestions(
  questions: string[],
  settings: HostSettings,
  logger: Logger | undefined,
): Promise<ExampleEmbeddings | undefined> {
  const baseUrl = settings.setting(EMBEDDINGS_URL_ENV);
  if (baseUrl === undefined) return undefined;
  const model = settings.setting(EMBEDDINGS_MODEL_ENV);
  try {
    const client = new OpenAiClient({ baseUrl, model, apiKey: settings.secret(LLM_API_KEY_ENV) });
    return { key: `${baseUrl}#${model ?? ''}`, vectors: await client.embed(questions) };
  } catch (error) {
    logger?.warn(`examples index written without embeddings: ${(error as Error).message}`);
    return undefined;
  }
}
