// `r1flow eval DATASET_DIR`: execution accuracy of a flow (or of a predictions file) on a
// Spider-layout dataset, with test-suite's semantics and Spider's hardness levels. Scriptable:
// stdout is the summary JSON and nothing else; progress, the table by hardness and, last, the
// `EX 81.18% (384/473)` line go to stderr. `--warehouse` runs the flow and scores every question on
// one warehouse (a PostgreSQL or DuckDB copy of the dataset's database) instead of its SQLite files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { R1flowError } from '../../../engine/errors.ts';
import { loadEvalDataset } from '../../../eval/runner/eval-dataset.ts';
import { formatExLine, formatHardnessTable } from '../../../eval/runner/ex-summary.ts';
import { DEFAULT_EVAL_FLOW, openFlowPredictor } from '../../../eval/runner/flow-predictor.ts';
import { loadPredictions, predictionsFilePredictor } from '../../../eval/runner/predictions-file.ts';
import type { Predictor } from '../../../eval/runner/predictor.ts';
import { createProgressBar, type ProgressBar } from '../../../eval/runner/progress-bar.ts';
import { runEvaluation } from '../../../eval/runner/run-evaluation.ts';
import { sqlSandboxPoolResource } from '../../../nodes/sql/sandbox/sql-sandbox-resource.ts';
import { sandboxRunSql } from '../../../nodes/sql/sandbox-run-sql.ts';
import { parseVotePreset, VOTE_PRESETS } from '../../../nodes/sql/selection/vote-options.ts';
import { connectionLookupFromFlags } from '../../connections/cli-connection-lookup.ts';
import { defineCommand } from '../command.ts';
import { readFlowFile } from '../load-flow-file.ts';
import { parseFlags, parseIntegerFlag, storeFlags, storeLocation } from '../options.ts';
import { parseWarehouseArg, warehouseRunner } from '../warehouse-arg.ts';

const usage = `eval DATASET_DIR [--flow F] [--llm URL] [--predictions FILE] [--limit N] [--concurrency N]
                   [--out FILE] [--keep-distinct] [--store PATH|URL] [--preset sql-r1|r1flow] [--warehouse W]

  DATASET_DIR        questions.json, tables.json (Spider) and databases/<db_id>/<db_id>.sqlite
  --flow F           flow run for each question with input {question, database}; default examples/flows/nl2sql.flow.json
  --llm URL          model server root including /v1 for the flow's nodes; required when the flow
                     calls a model (no fallback to R1FLOW_LLM_URL or the demo simulator)
  --predictions FILE score {"<question_id>": "SELECT ..."} instead of running a flow
  --limit N          only the first N questions
  --concurrency N    questions in flight at once (default 8)
  --out FILE         per-question report (JSON array)
  --keep-distinct    keep DISTINCT when comparing (test-suite removes it by default)
  --store PATH|URL   store the flow's runs there (default: a temporary store); connection:NAME of
                     --warehouse is read from this store (default R1FLOW_STORE, else ./data/r1flow.db);
                     --db is its older name
  --warehouse W      run and score every question on this one warehouse instead of
                     databases/<db_id>: a postgres://USER:PASSWORD@HOST/DB URL, connection:NAME,
                     or a .duckdb/.sqlite file (a copy of the dataset's database, e.g. r1flow demo load)
  --preset P         the flow's sql.vote and sql.correct preset: ${VOTE_PRESETS.join(" (SQL-R1's vote, no self-correction) or ")} (default: the flow's own)`;

const DEFAULT_CONCURRENCY = 8;

// Without --llm the nodes would ask R1FLOW_LLM_URL or port 8000, where `r1flow start` serves its
// demo simulator: every Spider question would then fail as unknown and score 0 %.
const NO_MODEL_MESSAGE =
  'the flow calls a model, so eval needs --llm URL, e.g. --llm http://127.0.0.1:8000/v1 with ' +
  '"r1flow sim-llm --port 8000 --replay datasets/spider-dev/replay-ensemble.jsonl" running; ' +
  'eval does not fall back to R1FLOW_LLM_URL or port 8000, where "r1flow start" serves a demo ' +
  'simulator that knows only the demo questions. To score SQL you already have, use --predictions FILE';

/** Whether the flow has a node of the `llm` family (the only nodes that call a model server). */
function callsModel(flowPath: string): boolean {
  const nodes = (readFlowFile(flowPath) as { nodes?: unknown } | null)?.nodes;
  return (
    Array.isArray(nodes) &&
    nodes.some((node: { type?: unknown }) => typeof node?.type === 'string' && node.type.startsWith('llm.'))
  );
}

function checkUrl(value: string): string {
  if (!/^https?:\/\/[^\s]+$/.test(value)) {
    throw new R1flowError(
      'BAD_REQUEST',
      `--llm must be an http(s) URL such as http://127.0.0.1:8000/v1, got "${value}"`,
    );
  }
  return value;
}

export default defineCommand({
  name: 'eval',
  summary: 'Execution accuracy (test-suite rules, by Spider hardness) of a flow or predictions on a dataset',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        ...storeFlags,
        flow: { type: 'string' },
        llm: { type: 'string' },
        predictions: { type: 'string' },
        limit: { type: 'string' },
        concurrency: { type: 'string' },
        out: { type: 'string' },
        'keep-distinct': { type: 'boolean' },
        preset: { type: 'string' },
        warehouse: { type: 'string' },
      },
      usage,
    );
    const [datasetDir] = positionals;
    if (!datasetDir) {
      process.stderr.write(`usage: r1flow ${usage}\n`);
      return 2;
    }
    if (
      values.predictions !== undefined &&
      (values.flow !== undefined || values.llm !== undefined || values.preset !== undefined)
    ) {
      throw new R1flowError(
        'BAD_REQUEST',
        '--predictions scores a file; it cannot be combined with --flow, --llm or --preset',
      );
    }
    const votePreset = values.preset === undefined ? undefined : parseVotePreset(values.preset);
    const limit = values.limit === undefined ? undefined : parseIntegerFlag(values.limit, 'limit', 0, 1);
    const concurrency = parseIntegerFlag(values.concurrency, 'concurrency', DEFAULT_CONCURRENCY, 1);
    const llmUrl = values.llm === undefined ? undefined : checkUrl(values.llm);
    const dataset = loadEvalDataset(datasetDir);
    const flowPath = values.flow ?? DEFAULT_EVAL_FLOW;
    if (values.predictions === undefined && llmUrl === undefined && callsModel(flowPath)) {
      throw new R1flowError('BAD_REQUEST', NO_MODEL_MESSAGE);
    }

    // connection:NAME of --warehouse is read only when given (the store of --store, R1FLOW_STORE or ./data).
    const connections = connectionLookupFromFlags(values);
    let predictor: Predictor | undefined;
    try {
      const warehouse =
        values.warehouse === undefined
          ? undefined
          : await parseWarehouseArg(values.warehouse, connections.lookup);
      predictor =
        values.predictions !== undefined
          ? predictionsFilePredictor(loadPredictions(values.predictions))
          : await openFlowPredictor({
              flowPath,
              databasesDir: dataset.databasesDir,
              llmUrl,
              storeLocation:
                values.store === undefined && values.db === undefined ? undefined : storeLocation(values),
              datasetName: basename(dataset.dir),
              votePreset,
              warehouse,
            });
      // Gold and prediction run with the executor the flow's nodes use, on the same warehouse.
      const runner =
        warehouse === undefined ? undefined : await warehouseRunner(warehouse, predictor.resources);
      let progress: ProgressBar | undefined;
      const { reports, summary } = await runEvaluation({
        dataset,
        predictor,
        runSql: sandboxRunSql(runner?.executor ?? (await predictor.resources.get(sqlSandboxPoolResource))),
        databasesFor: runner === undefined ? undefined : () => runner.database,
        concurrency,
        limit,
        keepDistinct: values['keep-distinct'] ?? false,
        onProgress: (done, correct, total) => {
          progress ??= createProgressBar(total, process.stderr);
          progress.update(done, correct);
        },
      });
      progress?.finish();
      if (values.out !== undefined) {
        mkdirSync(dirname(resolve(values.out)), { recursive: true });
        writeFileSync(values.out, `${JSON.stringify(reports, null, 2)}\n`);
      }
      process.stderr.write(`${formatHardnessTable(summary)}\n${formatExLine(summary)}\n`);
      const source =
        values.predictions !== undefined
          ? { predictions: resolve(values.predictions) }
          : {
              flow: resolve(flowPath),
              ...(llmUrl === undefined ? {} : { llm: llmUrl }),
              ...(votePreset === undefined ? {} : { preset: votePreset }),
            };
      const header = {
        dataset: dataset.dir,
        ...source,
        ...(warehouse === undefined ? {} : { warehouse: warehouse.label }),
        keepDistinct: values['keep-distinct'] ?? false,
      };
      process.stdout.write(`${JSON.stringify({ ...header, ...summary }, null, 2)}\n`);
      return 0;
    } finally {
      await predictor?.close();
      await connections.close();
    }
  },
});
