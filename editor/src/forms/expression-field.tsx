// A parameter that may be computed: a "ƒx" button switches any parameter to a JSONata expression
// ({"$expr": …}, engine/param-expressions.ts) over `$input` and `$node.<id>.<port>`, and back.
// While it is an expression, the value it gives against the last run's data is shown under it.
import { useEffect, useState } from 'react';
import {
  EXPRESSION_KEY,
  evaluateExpression,
  isExpression,
  MAX_EXPRESSION_LENGTH,
} from '../../../engine/param-expressions.ts';
import type { PreviewScope } from '../run/preview-scope.ts';
import type { FieldProps } from './field-props.ts';
import { FieldShell } from './field-shell.tsx';
import { SchemaField } from './schema-field.tsx';

export function ParamField({ preview, ...props }: FieldProps & { preview: PreviewScope | null }) {
  if (isExpression(props.value)) return <ExpressionField {...props} preview={preview} />;
  return (
    <div className="param-field">
      <SchemaField {...props} />
      <button
        type="button"
        className="small expression-toggle"
        title="Compute this parameter with an expression"
        aria-label={`Compute ${props.label} with an expression`}
        onClick={() => props.onChange({ [EXPRESSION_KEY]: '' })}
        data-testid={`expr-toggle-${props.path}`}
      >
        ƒx
      </button>
    </div>
  );
}

function ExpressionField({ preview, ...props }: FieldProps & { preview: PreviewScope | null }) {
  const source = String((props.value as { $expr: unknown }).$expr ?? '');
  return (
    <FieldShell
      label={`${props.label} (expression)`}
      htmlFor={props.path}
      required={props.required}
      help="JSONata over $input (the run input) and $node.<id>.<port> (outputs of nodes upstream)"
      issues={props.issuesAt(props.path)}
    >
      <div className="param-field">
        <textarea
          id={props.path}
          className="expression-input"
          rows={Math.min(8, Math.max(2, source.split('\n').length))}
          spellCheck={false}
          maxLength={MAX_EXPRESSION_LENGTH}
          value={source}
          placeholder="$node.answer.answer.question"
          onChange={(event) => props.onChange({ [EXPRESSION_KEY]: event.target.value })}
          data-testid={`expr-${props.path}`}
        />
        <button
          type="button"
          className="small expression-toggle"
          title="Back to a fixed value"
          aria-label={`Give ${props.label} a fixed value`}
          onClick={() => props.onChange(undefined)}
          data-testid={`expr-off-${props.path}`}
        >
          value
        </button>
      </div>
      <ExpressionPreview source={source} preview={preview} testId={`expr-preview-${props.path}`} />
    </FieldShell>
  );
}

type Shown = { kind: 'value'; text: string } | { kind: 'error' | 'none'; text: string };

function ExpressionPreview({
  source,
  preview,
  testId,
}: {
  source: string;
  preview: PreviewScope | null;
  testId: string;
}) {
  const [shown, setShown] = useState<Shown>({ kind: 'none', text: '' });
  useEffect(() => {
    if (!preview) {
      setShown({ kind: 'none', text: 'Run the flow once to preview this against its data.' });
      return;
    }
    if (source.trim() === '') {
      setShown({ kind: 'none', text: 'Write an expression to see its value.' });
      return;
    }
    let live = true;
    // Evaluated a moment after typing stops, so each keystroke does not start an evaluation.
    const timer = setTimeout(() => {
      evaluateExpression({ path: [], source }, preview.scope).then(
        (value) => {
          if (live)
            setShown({
              kind: 'value',
              text: value === undefined ? '(nothing matched)' : clip(JSON.stringify(value)),
            });
        },
        (error: unknown) => {
          if (live) setShown({ kind: 'error', text: (error as Error).message });
        },
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [source, preview]);
  return (
    <p className={`expression-preview expression-preview-${shown.kind}`} data-testid={testId}>
      {shown.kind === 'value' && preview ? (
        <span className="muted">last run {preview.runId.slice(0, 8)}: </span>
      ) : null}
      {shown.text}
    </p>
  );
}

function clip(text: string): string {
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}
