// One port's value from a run, drawn for what it is: an answer, rows, vote clusters, or JSON.
import { isAnswer, isVoteClusters } from '../run/answer.ts';
import { AnswerView } from './answer-view.tsx';
import { JsonView } from './json-view.tsx';
import { RowsTable } from './rows-table.tsx';
import { VoteClusters } from './vote-clusters.tsx';

interface PortValueProps {
  name: string;
  type: string | undefined;
  value: unknown;
}

export function PortValue({ name, type, value }: PortValueProps) {
  return (
    <div className="port-value" data-testid={`port-value-${name}`}>
      <h5>
        {name}
        {type ? <span className="port-type"> {type}</span> : null}
      </h5>
      {render(type, value)}
    </div>
  );
}

function render(type: string | undefined, value: unknown) {
  if (type === 'vote-clusters' && isVoteClusters(value)) return <VoteClusters clusters={value} />;
  if (type === 'answer' && isAnswer(value)) return <AnswerView answer={value} />;
  if (type === 'rows' && isAnswer(value))
    return <RowsTable columns={value.columns} rows={value.rows} truncated={value.truncated} />;
  if (typeof value === 'string') return <pre className={type === 'sql' ? 'sql' : 'json-view'}>{value}</pre>;
  return <JsonView value={value} />;
}
