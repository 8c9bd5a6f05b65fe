// Predictions from runs of a flow (default examples/flows/nl2sql.flow.json) through the engine
// with the inline transport: one run per question with input `{question, database: db_id}`. The
// nodes find the dataset's databases by name (R1FLOW_WAREHOUSE_DIR) and the model server at
// `--llm` (R1FLOW_LLM_URL) through host settings given to this runtime only, so the process
// environment is left alone. Runs go to a temporary store unless `--store` names one.
// With `--warehouse` every question runs on that one warehouse instead (a PostgreSQL or DuckDB copy
// of the dataset's database): the input is `{question}`, a file becomes the host's R1FLOW_WAREHOUSE
// and a PostgreSQL warehouse the `connection` of every schema.retrieve node, so execute, correct
// and vote run where the schema was read.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionLookup } from '../../engine/connections.ts';
import { R1flowError, serializeError } from '../../engine/errors.ts';
import type { FlowDocument } from '../../engine/flow-schema.ts';
import { settingsFrom } from '../../engine/host-settings.ts';
import { packagePath } from '../../engine/package-root.ts';
import { saveFlowIfChanged } from '../../engine/save-flow.ts';
import { resolveFlowOrThrow } from '../../engine/validate-flow.ts';
import { LLM_URL_ENV } from '../../nodes/llm/model-client-resource.ts';
import { SCHEMA_INDEX_DIR_ENV } from '../../nodes/schema/index-location.ts';
import type { VotePreset } from '../../nodes/sql/selection/vote-options.ts';
import type { WarehouseLocation } from '../../nodes/sql/warehouse-executor.ts';
import { connectionNameOf } from '../../nodes/sql/warehouse-executor.ts';
import { WAREHOUSE_DIR_ENV, WAREHOUSE_ENV } from '../../nodes/warehouse/resolve-warehouse.ts';
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
  /** Store file or postgres:// URL; a temporary SQLite file (removed on close) when absent. */
  storeLocation?: string | undefined;
  /** Tag stored with each run's trigger. */
  datasetName: string;
  /** Sets the `preset` of the flow's sql.vote and sql.correct nodes (`--preset`); the flow's own when absent. */
  votePreset?: VotePreset | undefined;
  /** One warehouse for every question (`--warehouse`), with the lookup that resolves its connection. */
  warehouse?: { location: WarehouseLocation; connection: ConnectionLookup } | undefined;
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

const isRetrieve = (type: string) => type.startsWith('schema.retrieve@');

/**
 * The flow with every schema.retrieve node reading `warehouse`: a PostgreSQL one by its connection,
 * a file through the host's R1FLOW_WAREHOUSE (the flow's own `warehouse`/`connection` are dropped).
 */
export function withWarehouse(document: FlowDocument, warehouse: WarehouseLocation): FlowDocument {
  if (!document.nodes.some((node) => isRetrieve(node.type))) {
    throw new R1flowError(
      'BAD_REQUEST',
      '--warehouse sets the warehouse of schema.retrieve, but the flow has no schema.retrieve node',
    );
  }
  const name = connectionNameOf(warehouse.database);
  return {
    ...document,
    nodes: document.nodes.map((node) => {
      if (!isRetrieve(node.type)) return node;
      const { warehouse: _file, connection: _named, ...params } = node.params ?? {};
      return { ...node, params: name === undefined ? params : { ...params, connection: name } };
    }),
  };
}

export async function openFlowPredictor(options: FlowPredictorOptions): Promise<Predictor> {
  const temp = mkdtempSync(join(tmpdir(), 'r1flow-eval-'));
  const { warehouse } = options;
  const fileWarehouse =
    warehouse !== undefined && connectionNameOf(warehouse.location.database) === undefined
      ? warehouse.location.database
      : undefined;
  const settings = {
    ...settingsFrom(process.env, {
      [WAREHOUSE_DIR_ENV]: options.databasesDir,
      [WAREHOUSE_ENV]: fileWarehouse,
      [LLM_URL_ENV]: options.llmUrl,
      // Schema indexes of a throwaway evaluation go with its temp dir unless the host keeps them.
      [SCHEMA_INDEX_DIR_ENV]: process.env[SCHEMA_INDEX_DIR_ENV] || join(temp, 'schema-index'),
    }),
    ...(warehouse === undefined ? {} : { connection: warehouse.connection }),
  };
  const runtime = await createRuntime({
    storeLocation: options.storeLocation ?? join(temp, 'r1flow.db'),
    adoptOrphans: false,
    settings,
  });
  const close = async () => {
    await runtime.close();
    rmSync(temp, { recursive: true, force: true });
  };
  try {
    let document = resolveFlowOrThrow(readFlowFile(options.flowPath), runtime.registry).document;
    if (options.votePreset !== undefined) document = withVotePreset(document, options.votePreset);
    if (warehouse !== undefined) document = withWarehouse(document, warehouse.location);
    const flow = resolveFlowOrThrow(document, runtime.registry);
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
            input:
              warehouse === undefined
                ? { question: question.question, database: question.db_id }
                : { question: question.question },
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
