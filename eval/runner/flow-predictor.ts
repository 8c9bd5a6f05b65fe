// Predictions from runs of a flow (default examples/flows/nl2sql.flow.json) through the engine
// with the inline transport: one run per question with input `{question, database: db_id}`. The
// nodes find the dataset's databases by name (R1FLOW_WAREHOUSE_DIR) and the model server at
// `--llm` (R1FLOW_LLM_URL) through host settings given to this runtime only, so the process
// environment is left alone. Runs go to a temporary store unless `--db` names one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { R1flowError, serializeError } from '../../engine/errors.ts';
import type { FlowDocument } from '../../engine/flow-schema.ts';
import { settingsFrom } from '../../engine/host-settings.ts';
import { packagePath } from '../../engine/package-root.ts';
import { saveFlowIfChanged } from '../../engine/save-flow.ts';
import { resolveFlowOrThrow } from '../../engine/validate-flow.ts';
import { LLM_URL_ENV } from '../../nodes/llm/model-client-resource.ts';
import { SCHEMA_INDEX_DIR_ENV } from '../../nodes/schema/index-location.ts';
import type { VotePreset } from '../../nodes/sql/selection/vote-options.ts';
import { WAREHOUSE_DIR_ENV } from '../../nodes/warehouse/resolve-warehouse.ts';
import { readFlowFile } from '../../server/cli/load-flow-file.ts';
import { createRuntime } from '../../server/runtime/local-runtime.ts';
import type { Predictor } from './predictor.ts';
import { predictionFromRun } from './run-prediction.ts';

/** The NL2SQL example flow shipped with r1flow, wherever the command runs from. */
export const DEFAULT_EVAL_FLOW = packagePath('examples/flows/nl2sql.flow.json');

export interface FlowPredictorOptions {
  flowPath: string;
  /** The dataset's `databases/` folder. */
  databasesDir: string;
  /** Model server root including /v1; the host's R1FLOW_LLM_URL when absent. */
  llmUrl?: string | undefined;
  /** Store file; a temporary one (removed on close) when absent. */
  dbPath?: string | undefined;
  /** Tag stored with each run's trigger. */
  datasetName: string;
  /** Sets the `preset` of the flow's sql.vote and sql.correct nodes (`--preset`); the flow's own when absent. */
  votePreset?: VotePreset | undefined;
}

const isVote = (type: string) => type.startsWith('sql.vote@');
/** sql.correct takes the same presets: under `sql-r1` it is off, as SQL-R1 has no self-correction. */
const takesPreset = (type: string) => isVote(type) || type.startsWith('sql.correct@');

/**
 * The flow with the `preset` of every sql.vote and sql.correct node set; a flow without sql.vote
 * cannot take `--preset`.
 */
export function withVotePreset(document: FlowDocument, preset: VotePreset): FlowDocument {
  if (!document.nodes.some((node) => isVote(node.type))) {
    throw new R1flowError(
      'BAD_REQUEST',
      '--preset sets the preset of sql.vote, but the flow has no sql.vote node',
    );
  }
  return {
    ...document,
    nodes: document.nodes.map((node) =>
      takesPreset(node.type) ? { ...node, params: { ...node.params, preset } } : node,
    ),
  };
}

export async function openFlowPredictor(options: FlowPredictorOptions): Promise<Predictor> {
  const temp = mkdtempSync(join(tmpdir(), 'r1flow-eval-'));
  const settings = settingsFrom(process.env, {
    [WAREHOUSE_DIR_ENV]: options.databasesDir,
    [LLM_URL_ENV]: options.llmUrl,
    // Schema indexes of a throwaway evaluation go with its temp dir unless the host keeps them.
    [SCHEMA_INDEX_DIR_ENV]: process.env[SCHEMA_INDEX_DIR_ENV] || join(temp, 'schema-index'),
  });
  const runtime = await createRuntime({
    dbPath: options.dbPath ?? join(temp, 'r1flow.db'),
    adoptOrphans: false,
    settings,
  });
  const close = async () => {
    await runtime.close();
    rmSync(temp, { recursive: true, force: true });
  };
  try {
    const read = resolveFlowOrThrow(readFlowFile(options.flowPath), runtime.registry);
    const flow =
      options.votePreset === undefined
        ? read
        : resolveFlowOrThrow(withVotePreset(read.document, options.votePreset), runtime.registry);
    const saved = await saveFlowIfChanged(runtime.store, flow.document);
    await runtime.orchestrator.start();
    return {
      resources: runtime.resources,
      close,
      async predict(question) {
        try {
          const run = await runtime.orchestrator.startRun({
            flowId: saved.flowId,
            version: saved.version,
            input: { question: question.question, database: question.db_id },
            trigger: {
              kind: 'eval',
              detail: { dataset: options.datasetName, questionId: question.question_id },
            },
            startedBy: { kind: 'system', id: null, name: 'eval' },
          });
          return predictionFromRun((await runtime.orchestrator.waitForRun(run.id)).run);
        } catch (error) {
          // A run that could not start (e.g. the flow's trigger refuses the input) is this question's failure.
          const { code, message } = serializeError(error, 'INTERNAL');
          return { sql: '', error: { code, message } };
        }
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
