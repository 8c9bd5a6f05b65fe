// A bar chart of the first numeric column, labelled by the first other column: inline SVG, no
// chart library.
import type { Cell } from '../run/answer.ts';
import { numericColumns } from '../run/table-rows.ts';

const MOST_BARS = 30;
const BAR_HEIGHT = 18;
const LABEL_WIDTH = 120;
const CHART_WIDTH = 340;

export function RowsChart({ columns, rows }: { columns: string[]; rows: Cell[][] }) {
  const numeric = numericColumns(rows, columns.length);
  const valueColumn = numeric[0];
  if (valueColumn === undefined || rows.length === 0) return null;
  const labelColumn = columns.findIndex((_, index) => !numeric.includes(index));
  const bars = rows.slice(0, MOST_BARS).map((row, index) => ({
    label: labelColumn === -1 ? `#${index + 1}` : String(row[labelColumn] ?? 'NULL'),
    value: typeof row[valueColumn] === 'number' ? (row[valueColumn] as number) : 0,
  }));
  const largest = Math.max(...bars.map((bar) => Math.abs(bar.value)), 1);
  const barSpace = CHART_WIDTH - LABEL_WIDTH - 60;
  return (
    <figure className="rows-chart" data-testid="answer-chart">
      <svg
        width={CHART_WIDTH}
        height={bars.length * (BAR_HEIGHT + 4)}
        role="img"
        aria-label={`${columns[valueColumn]} by row`}
      >
        {bars.map((bar, index) => {
          const y = index * (BAR_HEIGHT + 4);
          const width = Math.max(1, (Math.abs(bar.value) / largest) * barSpace);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: bars follow the rows' order
            <g key={index}>
              <text x={LABEL_WIDTH - 6} y={y + BAR_HEIGHT - 5} textAnchor="end" className="chart-label">
                {bar.label.length > 18 ? `${bar.label.slice(0, 17)}…` : bar.label}
              </text>
              <rect x={LABEL_WIDTH} y={y} width={width} height={BAR_HEIGHT} className="chart-bar" />
              <text x={LABEL_WIDTH + width + 4} y={y + BAR_HEIGHT - 5} className="chart-value">
                {bar.value.toLocaleString()}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="muted">
        {columns[valueColumn]}
        {labelColumn === -1 ? '' : ` by ${columns[labelColumn]}`}
        {rows.length > MOST_BARS ? ` (first ${MOST_BARS} rows)` : ''}
      </figcaption>
    </figure>
  );
}
