// In-page confirmation ("discard unsaved changes?") as a promise, so actions read top to bottom.
import { createStore } from 'zustand/vanilla';

export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  resolve(confirmed: boolean): void;
}

export const confirmStore = createStore<{ request: ConfirmRequest | null }>()(() => ({ request: null }));

export function askConfirm(title: string, message: string, confirmLabel: string): Promise<boolean> {
  confirmStore.getState().request?.resolve(false);
  return new Promise((resolve) => {
    confirmStore.setState({
      request: {
        title,
        message,
        confirmLabel,
        resolve(confirmed) {
          confirmStore.setState({ request: null });
          resolve(confirmed);
        },
      },
    });
  });
}
