// The feedback and examples tables of a SQLite store. A review and the example it creates are
// written in one transaction, so an accepted feedback never lacks its example.
import type { Database, Statement } from 'better-sqlite3';
import { R1flowError } from '../errors.ts';
import { newId } from '../ids.ts';
import type {
  ExampleDraft,
  ExampleRecords,
  FeedbackDraft,
  FeedbackRecords,
  Review,
  ReviewState,
  StoredExample,
  StoredFeedback,
} from './feedback-records.ts';
import { exampleFromRow, feedbackFromRow } from './repository-row-mappers.ts';
import type { Row } from './row-mappers.ts';

export class SqliteFeedbackRecords implements FeedbackRecords {
  readonly #db: Database;
  readonly #sql: (text: string) => Statement;
  readonly #examples: SqliteExampleRecords;

  constructor(db: Database, sql: (text: string) => Statement, examples: SqliteExampleRecords) {
    this.#db = db;
    this.#sql = sql;
    this.#examples = examples;
  }

  async insert(draft: FeedbackDraft, at = Date.now()): Promise<StoredFeedback> {
    const id = newId('fb_', 6);
    this.#sql(
      `INSERT INTO feedback (id, run_id, rating, question, chosen_sql, corrected_sql, comment, warehouse, dialect, state, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
    ).run(
      id,
      draft.runId,
      draft.rating,
      draft.question,
      draft.chosenSql,
      draft.correctedSql,
      draft.comment,
      draft.warehouse,
      draft.dialect,
      at,
    );
    return (await this.get(id)) as StoredFeedback;
  }

  async get(id: string): Promise<StoredFeedback | null> {
    const row = this.#sql('SELECT * FROM feedback WHERE id = ?').get(id) as Row | undefined;
    return row ? feedbackFromRow(row) : null;
  }

  async list(filter: { state?: ReviewState; runId?: string } = {}): Promise<StoredFeedback[]> {
    const rows = this.#sql(
      'SELECT * FROM feedback WHERE (@state IS NULL OR state = @state) AND (@runId IS NULL OR run_id = @runId) ORDER BY created_at, rowid',
    ).all({ state: filter.state ?? null, runId: filter.runId ?? null }) as Row[];
    return rows.map(feedbackFromRow);
  }

  async review(
    id: string,
    review: Review,
  ): Promise<{ feedback: StoredFeedback; example: StoredExample | null } | null> {
    const apply = this.#db.transaction(() => {
      const row = this.#sql('SELECT state FROM feedback WHERE id = ?').get(id) as Row | undefined;
      if (!row) return undefined;
      if (row.state !== 'pending') {
        throw new R1flowError('FEEDBACK_ALREADY_REVIEWED', `feedback "${id}" was already ${row.state}`);
      }
      const example = review.example ? this.#examples.insertNow(review.example, review.at) : null;
      this.#sql(
        `UPDATE feedback SET state = ?, reviewed_at = ?, corrected_sql = coalesce(?, corrected_sql), example_id = ?
         WHERE id = ?`,
      ).run(review.state, review.at, review.correctedSql ?? null, example?.id ?? null, id);
      return { example };
    });
    const written = apply.immediate();
    if (!written) return null;
    return { feedback: (await this.get(id)) as StoredFeedback, example: written.example };
  }
}

export class SqliteExampleRecords implements ExampleRecords {
  readonly #sql: (text: string) => Statement;

  constructor(sql: (text: string) => Statement) {
    this.#sql = sql;
  }

  async insert(draft: ExampleDraft, at = Date.now()): Promise<StoredExample> {
    return this.insertNow(draft, at);
  }

  /** Synchronous, so a review's transaction can include it. */
  insertNow(draft: ExampleDraft, at: number): StoredExample {
    const id = newId('ex_', 6);
    this.#sql(
      'INSERT INTO examples (id, warehouse, question, sql, feedback_id, created_at, verified_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(id, draft.warehouse, draft.question, draft.sql, draft.feedbackId, at, at);
    return { id, ...draft, createdAt: at, verifiedAt: at };
  }

  async get(id: string): Promise<StoredExample | null> {
    const row = this.#sql('SELECT * FROM examples WHERE id = ?').get(id) as Row | undefined;
    return row ? exampleFromRow(row) : null;
  }

  async list(filter: { warehouse?: string } = {}): Promise<StoredExample[]> {
    const rows = this.#sql(
      'SELECT * FROM examples WHERE (@warehouse IS NULL OR warehouse = @warehouse) ORDER BY created_at, rowid',
    ).all({ warehouse: filter.warehouse ?? null }) as Row[];
    return rows.map(exampleFromRow);
  }

  async delete(id: string): Promise<boolean> {
    this.#sql('UPDATE feedback SET example_id = NULL WHERE example_id = ?').run(id);
    return this.#sql('DELETE FROM examples WHERE id = ?').run(id).changes > 0;
  }
}
