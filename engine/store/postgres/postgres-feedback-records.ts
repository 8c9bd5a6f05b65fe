// The feedback and examples tables of a PostgreSQL store. A review and the example it creates are
// written in one transaction (the feedback row locked), so an accepted feedback never lacks its
// example and two reviewers cannot both review it.
import { R1flowError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type {
  ExampleDraft,
  ExampleRecords,
  FeedbackDraft,
  FeedbackRecords,
  Review,
  ReviewState,
  StoredExample,
  StoredFeedback,
} from '../feedback-records.ts';
import { exampleFromRow, feedbackFromRow } from '../repository-row-mappers.ts';
import type { PostgresDatabase, Sql } from './postgres-database.ts';

export class PostgresFeedbackRecords implements FeedbackRecords {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async insert(draft: FeedbackDraft, at = Date.now()): Promise<StoredFeedback> {
    const row = await this.#db.row(
      `INSERT INTO feedback (id, run_id, rating, question, chosen_sql, corrected_sql, comment, warehouse, dialect, state, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10) RETURNING *`,
      [
        newId('fb_', 6),
        draft.runId,
        draft.rating,
        draft.question,
        draft.chosenSql,
        draft.correctedSql,
        draft.comment,
        draft.warehouse,
        draft.dialect,
        at,
      ],
    );
    return feedbackFromRow(row!);
  }

  async get(id: string): Promise<StoredFeedback | null> {
    const row = await this.#db.row('SELECT * FROM feedback WHERE id = $1', [id]);
    return row ? feedbackFromRow(row) : null;
  }

  async list(filter: { state?: ReviewState; runId?: string } = {}): Promise<StoredFeedback[]> {
    const rows = await this.#db.rows(
      'SELECT * FROM feedback WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR run_id = $2) ORDER BY created_at, row_order',
      [filter.state ?? null, filter.runId ?? null],
    );
    return rows.map(feedbackFromRow);
  }

  async review(
    id: string,
    review: Review,
  ): Promise<{ feedback: StoredFeedback; example: StoredExample | null } | null> {
    return this.#db.transaction(async (sql) => {
      const row = await sql.row('SELECT state FROM feedback WHERE id = $1 FOR UPDATE', [id]);
      if (!row) return null;
      if (row.state !== 'pending') {
        throw new R1flowError('FEEDBACK_ALREADY_REVIEWED', `feedback "${id}" was already ${row.state}`);
      }
      const example = review.example ? await insertExample(sql, review.example, review.at) : null;
      const updated = await sql.row(
        `UPDATE feedback SET state = $1, reviewed_at = $2, corrected_sql = coalesce($3, corrected_sql), example_id = $4
         WHERE id = $5 RETURNING *`,
        [review.state, review.at, review.correctedSql ?? null, example?.id ?? null, id],
      );
      return { feedback: feedbackFromRow(updated!), example };
    });
  }
}

export class PostgresExampleRecords implements ExampleRecords {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async insert(draft: ExampleDraft, at = Date.now()): Promise<StoredExample> {
    return insertExample(this.#db, draft, at);
  }

  async get(id: string): Promise<StoredExample | null> {
    const row = await this.#db.row('SELECT * FROM examples WHERE id = $1', [id]);
    return row ? exampleFromRow(row) : null;
  }

  async list(filter: { warehouse?: string } = {}): Promise<StoredExample[]> {
    const rows = await this.#db.rows(
      'SELECT * FROM examples WHERE ($1::text IS NULL OR warehouse = $1) ORDER BY created_at, row_order',
      [filter.warehouse ?? null],
    );
    return rows.map(exampleFromRow);
  }

  async delete(id: string): Promise<boolean> {
    return this.#db.transaction(async (sql) => {
      await sql.run('UPDATE feedback SET example_id = NULL WHERE example_id = $1', [id]);
      return (await sql.run('DELETE FROM examples WHERE id = $1', [id])) > 0;
    });
  }
}

/** Inserts an example with `sql`: the pool, or a review's transaction. */
async function insertExample(sql: Sql, draft: ExampleDraft, at: number): Promise<StoredExample> {
  const id = newId('ex_', 6);
  await sql.run(
    'INSERT INTO examples (id, warehouse, question, sql, feedback_id, created_at, verified_at) VALUES ($1, $2, $3, $4, $5, $6, $6)',
    [id, draft.warehouse, draft.question, draft.sql, draft.feedbackId, at],
  );
  return { id, ...draft, createdAt: at, verifiedAt: at };
}
