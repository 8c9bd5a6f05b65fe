// Feedback on run answers and the verified examples it turns into: recording a rating from a
// run's stored output, reviewing it (an accepted one becomes an example once its SQL ran), and
// deleting examples; every change to a warehouse's examples rewrites its examples index.
import type { Logger } from '../../engine/define-node.ts';
import { R1flowError } from '../../engine/errors.ts';
import type { SqlAuditReport } from '../../engine/sql-audit.ts';
import type { AuditActor } from '../../engine/store/audit-records.ts';
import type { FeedbackRating, StoredExample, StoredFeedback } from '../../engine/store/feedback-records.ts';
import type { Store } from '../../engine/store/store.ts';
import { sqlAuditor } from '../../nodes/sql/sql-auditor.ts';
import { refreshExamplesIndex } from './examples-index-writer.ts';
import { runFacts } from './run-facts.ts';
import { checkSqlRuns, type WarehouseHost, warehouseOf } from './warehouse-sql.ts';

export interface FeedbackHost extends WarehouseHost {
  store: Store;
}

export interface FeedbackInput {
  rating: FeedbackRating;
  sql?: string | undefined;
  comment?: string | undefined;
}

export class FeedbackService {
  readonly #host: FeedbackHost;
  readonly #logger: Logger | undefined;

  constructor(host: FeedbackHost, logger?: Logger) {
    this.#host = host;
    this.#logger = logger;
  }

  /** RUN_NOT_FOUND (404) without the run, RUN_NO_ANSWER (409) when it has no answer. */
  async record(runId: string, input: FeedbackInput): Promise<StoredFeedback> {
    const stored = await this.#host.store.getRun(runId);
    if (!stored) throw new R1flowError('RUN_NOT_FOUND', `no run "${runId}"`);
    const facts = runFacts(stored);
    return this.#host.store.feedback.insert({
      runId,
      rating: input.rating,
      question: facts.answer.question,
      chosenSql: facts.answer.sql,
      correctedSql: blankToNull(input.sql),
      comment: blankToNull(input.comment),
      warehouse: facts.schema?.database ?? null,
      dialect: facts.schema?.dialect ?? null,
    });
  }

  /**
   * Accepting makes a verified example of the reviewer's SQL, else the corrected SQL, else (for an
   * up-vote) the answer's own SQL, after running it read-only on the run's warehouse (audited as
   * the reviewer's SQL on the feedback's run). Rejecting only records the decision.
   */
  async review(
    id: string,
    decision: { accept: boolean; sql?: string | undefined },
    reviewer: AuditActor | null = null,
  ): Promise<{ feedback: StoredFeedback; example: StoredExample | null }> {
    const feedback = await this.#host.store.feedback.get(id);
    if (!feedback) throw new R1flowError('FEEDBACK_NOT_FOUND', `no feedback "${id}"`);
    if (feedback.state !== 'pending') {
      throw new R1flowError('FEEDBACK_ALREADY_REVIEWED', `feedback "${id}" was already ${feedback.state}`);
    }
    const reviewerSql = blankToNull(decision.sql);
    if (!decision.accept) {
      return this.#reviewed(id, {
        state: 'rejected',
        at: Date.now(),
        ...(reviewerSql ? { correctedSql: reviewerSql } : {}),
      });
    }
    const sql =
      reviewerSql ?? feedback.correctedSql ?? (feedback.rating === 'up' ? feedback.chosenSql : null);
    if (sql === null) {
      throw new R1flowError(
        'FEEDBACK_NOT_VERIFIABLE',
        `feedback "${id}" is a down-vote without corrected SQL; accept it with the right SQL ({"accept": true, "sql": "…"})`,
      );
    }
    const warehouse = warehouseOf(feedback.warehouse, feedback.dialect);
    if (!warehouse) {
      throw new R1flowError(
        'FEEDBACK_NOT_VERIFIABLE',
        `the run of feedback "${id}" names no warehouse to check the SQL on`,
      );
    }
    const reports: SqlAuditReport[] = [];
    const audit = sqlAuditor({ auditSql: (report) => reports.push(report) }, warehouse, []);
    try {
      await checkSqlRuns(this.#host, warehouse, sql, audit);
    } finally {
      await this.#host.store.audit.append(
        reports.map(({ candidates, outcome, reason, ...facts }) => ({
          at: Date.now(),
          kind: 'sql',
          actor: reviewer,
          outcome,
          reason,
          runId: feedback.runId,
          nodeId: null,
          target: id,
          sql: { attempt: 1, candidates, ...facts },
          detail: { feedbackReview: true },
        })),
      );
    }
    const result = await this.#reviewed(id, {
      state: 'accepted',
      at: Date.now(),
      ...(reviewerSql ? { correctedSql: reviewerSql } : {}),
      example: { warehouse: warehouse.database, question: feedback.question, sql, feedbackId: id },
    });
    await this.#refresh(warehouse.database);
    return result;
  }

  /** EXAMPLE_NOT_FOUND (404) when there is no such example. */
  async deleteExample(id: string): Promise<StoredExample> {
    const example = await this.#host.store.examples.get(id);
    if (!example || !(await this.#host.store.examples.delete(id))) {
      throw new R1flowError('EXAMPLE_NOT_FOUND', `no example "${id}"`);
    }
    await this.#refresh(example.warehouse);
    return example;
  }

  /**
   * Rewrites the index of every warehouse that has examples, so a new data directory or a deleted
   * index file is repaired when the server starts. Returns the files written.
   */
  async rebuildIndexes(): Promise<string[]> {
    const warehouses = new Set((await this.#host.store.examples.list()).map((example) => example.warehouse));
    const written: string[] = [];
    for (const warehouse of warehouses) written.push(await this.#refresh(warehouse));
    return written;
  }

  async #reviewed(id: string, review: Parameters<Store['feedback']['review']>[1]) {
    const result = await this.#host.store.feedback.review(id, review);
    if (!result) throw new R1flowError('FEEDBACK_NOT_FOUND', `no feedback "${id}"`);
    return result;
  }

  #refresh(warehouse: string): Promise<string> {
    return refreshExamplesIndex(this.#host.store.examples, this.#host.settings, warehouse, this.#logger);
  }
}

function blankToNull(text: string | undefined): string | null {
  return text === undefined || text.trim() === '' ? null : text;
}
