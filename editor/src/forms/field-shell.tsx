// Label, help text and messages around one form control; every form in the editor uses it, and
// the generated parameter fields also show the server's messages for their path in it.
import type { ReactNode } from 'react';
import type { FieldProps } from './field-props.ts';

interface FieldShellProps {
  label: string;
  htmlFor: string;
  required?: boolean;
  help?: string | undefined;
  issues?: readonly string[];
  children: ReactNode;
}

export function FieldShell({
  label,
  htmlFor,
  required = false,
  help,
  issues = [],
  children,
}: FieldShellProps) {
  return (
    <div className={`field${issues.length > 0 ? ' field-invalid' : ''}`} data-field={htmlFor}>
      <label className="field-label" htmlFor={htmlFor}>
        {label}
        {required ? <span className="field-required"> *</span> : null}
      </label>
      {children}
      {help ? <p className="field-help">{help}</p> : null}
      <FieldIssues issues={issues} />
    </div>
  );
}

export function FieldIssues({ issues }: { issues: readonly string[] }) {
  return issues.map((issue) => (
    <p key={issue} className="field-issue" data-testid="field-issue" role="alert">
      {issue}
    </p>
  ));
}

/** The shell of a generated parameter field: its description, a hint, the server's messages. */
export function schemaShell(props: FieldProps, hint?: string, extraIssues: readonly string[] = []) {
  return {
    label: props.label,
    htmlFor: props.path,
    required: props.required,
    help: [props.schema.description, hint].filter(Boolean).join(' · ') || undefined,
    issues: [...extraIssues, ...props.issuesAt(props.path)],
  };
}
