// The feedback and examples tables as plain records. A person rates a run's answer (up or down,
// optionally with the SQL that would have been right); a reviewer accepts or rejects it, and an
// accepted one becomes a verified question → SQL example of its warehouse. The server decides
// what may be accepted (it runs corrected SQL first); the store keeps the rows consistent.

export type FeedbackRating = 'up' | 'down';
export type ReviewState = 'pending' | 'accepted' | 'rejected';

export interface StoredFeedback {
  id: string;
  runId: string;
  rating: FeedbackRating;
  /** The run's question, copied from its answer when the feedback was given. */
  question: string;
  /** The SQL the run answered with; null when it abstained without one. */
  chosenSql: string | null;
  /** SQL the person says is right instead; null when they gave none. */
  correctedSql: string | null;
  comment: string | null;
  /** The schema context's `database` (a file path or `connection:NAME`) and dialect; null when the run had none. */
  warehouse: string | null;
  dialect: string | null;
  state: ReviewState;
  createdAt: number;
  reviewedAt: number | null;
  /** The verified example an accepted review created (null once that example is deleted). */
  exampleId: string | null;
}

export type FeedbackDraft = Omit<StoredFeedback, 'id' | 'state' | 'createdAt' | 'reviewedAt' | 'exampleId'>;

export interface StoredExample {
  id: string;
  /** The warehouse key: the schema context's `database`. */
  warehouse: string;
  question: string;
  sql: string;
  /** The feedback it came from; null for examples added otherwise. */
  feedbackId: string | null;
  createdAt: number;
  verifiedAt: number;
}

export type ExampleDraft = Pick<StoredExample, 'warehouse' | 'question' | 'sql' | 'feedbackId'>;

export interface Review {
  state: Exclude<ReviewState, 'pending'>;
  at: number;
  /** Replaces the feedback's corrected SQL (a reviewer's fix). */
  correctedSql?: string;
  /** Stored in the same transaction as the review (an accepted review's verified example). */
  example?: ExampleDraft;
}

export interface FeedbackRecords {
  insert(draft: FeedbackDraft, at?: number): Promise<StoredFeedback>;
  get(id: string): Promise<StoredFeedback | null>;
  /** Oldest first. */
  list(filter?: { state?: ReviewState; runId?: string }): Promise<StoredFeedback[]>;
  /**
   * Records the review of a pending feedback, with its example, in one transaction. Null when
   * there is no such feedback; FEEDBACK_ALREADY_REVIEWED when it is no longer pending.
   */
  review(
    id: string,
    review: Review,
  ): Promise<{ feedback: StoredFeedback; example: StoredExample | null } | null>;
}

export interface ExampleRecords {
  insert(draft: ExampleDraft, at?: number): Promise<StoredExample>;
  get(id: string): Promise<StoredExample | null>;
  /** Oldest first; only the warehouse's when given. */
  list(filter?: { warehouse?: string }): Promise<StoredExample[]>;
  /** False when there is no such example. */
  delete(id: string): Promise<boolean>;
}
