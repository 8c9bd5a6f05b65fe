// The in-page confirmation asked for by askConfirm().

import { useStore } from 'zustand';
import { confirmStore } from '../state/confirm-store.ts';
import { Modal } from './modal.tsx';

export function ConfirmDialog() {
  const request = useStore(confirmStore, (state) => state.request);
  if (!request) return null;
  return (
    <Modal
      title={request.title}
      testId="confirm-dialog"
      actions={
        <>
          <button type="button" onClick={() => request.resolve(false)} data-testid="confirm-cancel">
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => request.resolve(true)}
            data-testid="confirm-ok"
          >
            {request.confirmLabel}
          </button>
        </>
      }
    >
      <p>{request.message}</p>
    </Modal>
  );
}
