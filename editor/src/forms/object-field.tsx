// A nested object parameter (e.g. a branch's condition) as a group of controls.
import type { FieldProps } from './field-props.ts';
import { FieldIssues } from './field-shell.tsx';
import { ObjectProperties } from './object-properties.tsx';

export function ObjectField(props: FieldProps) {
  return (
    <fieldset className="field-group" data-field={props.path}>
      <legend>
        {props.label}
        {props.required ? <span className="field-required"> *</span> : null}
      </legend>
      {props.schema.description ? <p className="field-help">{props.schema.description}</p> : null}
      <FieldIssues issues={props.issuesAt(props.path)} />
      <ObjectProperties {...props} />
    </fieldset>
  );
}
