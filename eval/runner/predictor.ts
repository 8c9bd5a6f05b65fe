// Where an evaluation's predicted SQL comes from: a predictions file or runs of a flow. Both give
// one prediction per question; a question without SQL is an empty prediction with the reason.
import type { ResourceScope } from '../../engine/resources.ts';
import type { EvalQuestion } from './eval-dataset.ts';

export interface ReportError {
  code: string;
  message: string;
  nodeId?: string;
}

export interface Prediction {
  /** '' when there is none (abstained, failed, missing): scored as wrong. */
  sql: string;
  error?: ReportError;
  /** From the flow's vote: winner's votes / candidates. */
  confidence?: number;
  votes?: number;
  runId?: string;
}

export interface Predictor {
  predict(question: EvalQuestion): Promise<Prediction>;
  /** Per-process resources; scoring takes its SQL sandbox pool from here (shared with the flow's nodes). */
  readonly resources: ResourceScope;
  close(): Promise<void>;
}
