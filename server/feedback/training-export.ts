// Feedback and its runs as training data for the next GRPO round: one JSON line per run that has
// feedback, with the question, the schema DDL and prompt the model saw, the SQL it chose, the SQL
// a person gave or verified, and SQL-R1's reward of the chosen response against that reference.
import type { Logger } from '../../engine/define-node.ts';
import type { StoredFeedback } from '../../engine/store/feedback-records.ts';
import { computeSqlR1Reward, type SqlR1Reward } from '../../nodes/sql/reward-sql-r1.ts';
import type { FeedbackHost } from './feedback-service.ts';
import { runFacts } from './run-facts.ts';
import { warehouseOf, warehouseRunSql } from './warehouse-sql.ts';

export interface TrainingRecord {
  runId: string;
  flowId: string;
  question: string;
  database: string | null;
  dialect: string | null;
  schema: string | null;
  prompt: string | null;
  chosenSql: string | null;
  /** The sampled response that carried the chosen SQL (what the reward scores). */
  chosenResponse: string | null;
  /** SQL a person gave: the latest not rejected. */
  correctedSql: string | null;
  /** What the reward compares against: the verified example's SQL, else the corrected SQL, else null. */
  referenceSql: string | null;
  /** The latest rating and its review state. */
  rating: StoredFeedback['rating'];
  reviewState: StoredFeedback['state'];
  feedback: Pick<StoredFeedback, 'id' | 'rating' | 'state' | 'comment' | 'createdAt'>[];
  /** `sql.reward`'s parts (format, execution, result, length, total); null without a reference or response. */
  reward: SqlR1Reward | null;
}

/** With `projects`, only runs of those projects (what the caller may review). */
export async function* trainingRecords(
  host: FeedbackHost,
  logger?: Logger,
  projects?: readonly string[],
): AsyncGenerator<TrainingRecord> {
  const byRun = new Map<string, StoredFeedback[]>();
  for (const feedback of await host.store.feedback.list()) {
    byRun.set(feedback.runId, [...(byRun.get(feedback.runId) ?? []), feedback]);
  }
  for (const [runId, feedback] of byRun) {
    const stored = await host.store.getRun(runId);
    if (!stored || (projects && !projects.includes(stored.run.project))) continue;
    const facts = runFacts(stored);
    const latest = feedback.at(-1) as StoredFeedback;
    const standing = feedback.filter((item) => item.state !== 'rejected');
    const correctedSql = standing.findLast((item) => item.correctedSql !== null)?.correctedSql ?? null;
    const referenceSql = (await verifiedSql(host, standing)) ?? correctedSql;
    const warehouse = warehouseOf(facts.schema?.database ?? null, facts.schema?.dialect ?? null);
    let reward: SqlR1Reward | null = null;
    if (referenceSql !== null && facts.chosenResponse !== null && warehouse) {
      reward = await computeSqlR1Reward({
        response: facts.chosenResponse,
        goldSql: referenceSql,
        database: warehouse.database,
        runSql: await warehouseRunSql(host, warehouse),
      }).catch((error: unknown) => {
        logger?.warn(`no reward for run ${runId}: ${(error as Error).message}`);
        return null;
      });
    }
    yield {
      runId,
      flowId: stored.run.flowId,
      question: facts.answer.question,
      database: facts.schema?.database ?? null,
      dialect: facts.schema?.dialect ?? null,
      schema: facts.schema?.ddl ?? null,
      prompt: facts.prompt,
      chosenSql: facts.answer.sql,
      chosenResponse: facts.chosenResponse,
      correctedSql,
      referenceSql,
      rating: latest.rating,
      reviewState: latest.state,
      feedback: feedback.map(({ id, rating, state, comment, createdAt }) => ({
        id,
        rating,
        state,
        comment,
        createdAt,
      })),
      reward,
    };
  }
}

/** The SQL of the latest accepted feedback's example, when it still exists. */
async function verifiedSql(host: FeedbackHost, standing: readonly StoredFeedback[]): Promise<string | null> {
  const accepted = standing.findLast((item) => item.state === 'accepted' && item.exampleId !== null);
  if (!accepted?.exampleId) return null;
  return (await host.store.examples.get(accepted.exampleId))?.sql ?? null;
}
