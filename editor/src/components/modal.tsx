// A dialog over the editor: a title, content, and its buttons in the bottom right. With onSubmit it
// is a form, so Enter submits.
import { type FormEvent, type ReactNode, useId } from 'react';

interface ModalProps {
  title: string;
  testId: string;
  actions: ReactNode;
  children: ReactNode;
  onSubmit?: (event: FormEvent) => void;
}

export function Modal({ title, testId, actions, children, onSubmit }: ModalProps) {
  const titleId = useId();
  const body = (
    <>
      <h3 id={titleId}>{title}</h3>
      {children}
      <div className="modal-actions">{actions}</div>
    </>
  );
  return (
    <div className="modal-backdrop">
      {onSubmit ? (
        <form className="modal" onSubmit={onSubmit} aria-labelledby={titleId} data-testid={testId}>
          {body}
        </form>
      ) : (
        <div className="modal" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid={testId}>
          {body}
        </div>
      )}
    </div>
  );
}
