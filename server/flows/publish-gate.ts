// The publish gate of an NL2SQL flow: its test set runs as an evaluation (eval/runner, the code
// `r1flow eval` uses) against the version about to be published, one run per question, and the
// version is published only when enough answers are right. Scored on a SQLite warehouse: the
// test set's `database` (a name in R1FLOW_WAREHOUSE_DIR, sent as each run's `database`) or the
// host's warehouse.
import { dirname } from 'node:path';
import { R1flowError, serializeError } from '../../engine/errors.ts';
import type { FlowTestSet } from '../../engine/flow-schema.ts';
import type { HostSettings } from '../../engine/host-settings.ts';
import type { FlowVersion } from '../../engine/store/records.ts';
import type { EvalDataset, EvalQuestion } from '../../eval/runner/eval-dataset.ts';
import type { ReportError } from '../../eval/runner/predictor.ts';
import { runEvaluation } from '../../eval/runner/run-evaluation.ts';
import { predictionFromRun } from '../../eval/runner/run-prediction.ts';
import { DEFAULT_WAREHOUSE } from '../../nodes/schema/retrieve-schema.ts';
import { sqlSandboxPoolResource } from '../../nodes/sql/sandbox/sql-sandbox-resource.ts';
import { sandboxRunSql } from '../../nodes/sql/sandbox-run-sql.ts';
import {
  resolveWarehouseName,
  resolveWarehousePath,
  WAREHOUSE_DIR_ENV,
  WAREHOUSE_ENV,
} from '../../nodes/warehouse/resolve-warehouse.ts';
import type { Runtime } from '../runtime/local-runtime.ts';

/** Questions run at once: enough to overlap model calls, few enough to leave room for other runs. */
const GATE_CONCURRENCY = 4;

export interface GateQuestion {
  /** 1-based, in the test set's order. */
  number: number;
  question: string;
  correct: boolean;
  /** match, mismatch, pred_error or gold_error (as `r1flow eval` reports). */
  outcome: string;
  predictedSql: string;
  error?: ReportError;
  runId?: string;
}

export interface GateReport {
  version: number;
  minExecutionAccuracy: number;
  /** Share of questions answered right, 0 to 1. */
  executionAccuracy: number;
  correct: number;
  total: number;
  passed: boolean;
  /** The questions answered wrong, in order. */
  failures: GateQuestion[];
}

export async function runPublishGate(
  runtime: Pick<Runtime, 'orchestrator' | 'resources' | 'settings'>,
  version: FlowVersion,
  testSet: FlowTestSet,
): Promise<GateReport> {
  const warehouse = gateWarehouse(testSet, runtime.settings);
  const questions: EvalQuestion[] = testSet.questions.map((q, index) => ({
    question_id: index + 1,
    db_id: testSet.database ?? 'warehouse',
    question: q.question,
    gold_sql: q.expectedSql ?? '',
    ...(q.expectedRows === undefined ? {} : { gold_rows: q.expectedRows }),
  }));
  const dataset: EvalDataset = {
    dir: `flow ${version.flowId} v${version.version}`,
    questions,
    schemas: new Map(),
    databasesDir: dirname(warehouse),
    databaseFiles: () => [warehouse],
  };
  const predictor = {
    async predict(question: EvalQuestion) {
      try {
        const run = await runtime.orchestrator.startRun({
          flowId: version.flowId,
          version: version.version,
          input: {
            question: question.question,
            ...(testSet.database === undefined ? {} : { database: testSet.database }),
          },
          trigger: { kind: 'eval', detail: { publishGate: true, question: question.question_id } },
        });
        return predictionFromRun((await runtime.orchestrator.waitForRun(run.id)).run);
      } catch (error) {
        const { code, message } = serializeError(error, 'INTERNAL');
        return { sql: '', error: { code, message } };
      }
    },
  };
  const pool = await runtime.resources.get(sqlSandboxPoolResource);
  const { reports, summary } = await runEvaluation({
    dataset,
    predictor,
    runSql: sandboxRunSql(pool),
    concurrency: GATE_CONCURRENCY,
  });
  const executionAccuracy = summary.questions === 0 ? 0 : summary.correct / summary.questions;
  return {
    version: version.version,
    minExecutionAccuracy: testSet.minExecutionAccuracy,
    executionAccuracy,
    correct: summary.correct,
    total: summary.questions,
    passed: executionAccuracy >= testSet.minExecutionAccuracy,
    failures: reports
      .filter((report) => !report.correct)
      .map((report) => ({
        number: report.question_id as number,
        question: questions[(report.question_id as number) - 1]!.question,
        correct: false,
        outcome: report.outcome,
        predictedSql: report.pred_sql,
        ...(report.error === undefined ? {} : { error: report.error }),
        ...(report.run_id === undefined ? {} : { runId: report.run_id }),
      })),
  };
}

function gateWarehouse(testSet: FlowTestSet, settings: HostSettings): string {
  if (testSet.database === undefined) {
    return resolveWarehousePath(settings.setting(WAREHOUSE_ENV) ?? DEFAULT_WAREHOUSE);
  }
  const directory = settings.setting(WAREHOUSE_DIR_ENV);
  if (directory === undefined) {
    throw new R1flowError(
      'WAREHOUSE_NOT_FOUND',
      `the test set names database "${testSet.database}" but ${WAREHOUSE_DIR_ENV} is not set on this host`,
      { path: 'testSet.database' },
    );
  }
  return resolveWarehouseName(testSet.database, directory);
}
