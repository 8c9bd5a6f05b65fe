// A run's answer: the SQL, the confidence, the result as a table and a chart (a single value as
// one number), the explanation, and the vote's clusters; a finished run's rows download as CSV
// (the session cookie authenticates the plain link), and its answer can be rated.
import { type Answer, type Cell, singleValue } from '../run/answer.ts';
import { AnswerFeedback } from './answer-feedback.tsx';
import { ConfidenceMeter } from './confidence-meter.tsx';
import { CopyButton } from './copy-button.tsx';
import { RowsChart } from './rows-chart.tsx';
import { RowsTable } from './rows-table.tsx';
import { VoteClusters } from './vote-clusters.tsx';

export function AnswerView({ answer, runId }: { answer: Answer; runId?: string | undefined }) {
  const single = singleValue(answer);
  const capped = answer.totalRows !== undefined && answer.totalRows > answer.rows.length;
  return (
    <section className="answer" data-testid="answer">
      {answer.question ? <p className="answer-question">{answer.question}</p> : null}
      {answer.abstained ? (
        <p className="answer-abstained" data-testid="answer-abstained">
          No answer: {answer.reason ?? 'the candidates did not agree enough'}
        </p>
      ) : null}
      {answer.confidence !== undefined ? <ConfidenceMeter confidence={answer.confidence} /> : null}
      {answer.sql ? (
        <div className="answer-sql">
          <div className="section-head">
            <h4>SQL</h4>
            <CopyButton text={answer.sql} label="Copy SQL" />
          </div>
          <pre className="sql" data-testid="answer-sql">
            {answer.sql}
          </pre>
        </div>
      ) : null}
      {single ? (
        <p className="answer-value" data-testid="answer-value">
          <span className="answer-value-number">{formatCell(single.value)}</span>
          <span className="muted">{single.label}</span>
        </p>
      ) : (
        <RowsTable columns={answer.columns} rows={answer.rows} truncated={answer.truncated} />
      )}
      {capped ? (
        <p className="muted" data-testid="answer-capped">
          Showing {answer.rows.length} of {answer.totalRows} rows (the Answer node's maxRows)
        </p>
      ) : null}
      {runId && !answer.abstained ? (
        <a href={`/api/runs/${encodeURIComponent(runId)}/answer.csv`} download data-testid="answer-csv">
          Download CSV
        </a>
      ) : null}
      {runId && !answer.abstained ? <AnswerFeedback key={runId} runId={runId} /> : null}
      {single ? null : <RowsChart columns={answer.columns} rows={answer.rows} />}
      {answer.explanation ? <p className="answer-explanation">{answer.explanation}</p> : null}
      {answer.clusters && answer.clusters.length > 0 ? (
        <details className="answer-clusters">
          <summary data-testid="answer-clusters-toggle">How the candidates voted</summary>
          <VoteClusters clusters={answer.clusters} />
        </details>
      ) : null}
    </section>
  );
}

function formatCell(value: Cell): string {
  if (value === null) return 'NULL';
  return typeof value === 'number' ? value.toLocaleString() : String(value);
}
