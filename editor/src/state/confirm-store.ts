// In-page confirmation ("discard unsaved changes?") as a promise, so actions read top to bottom.
import { createStore } from './create-store.ts';

export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  resolve(confirmed: boolean): void;
}

export const confirmStore = createStore<ConfirmRequest | null>(null);

export function askConfirm(title: string, message: string, confirmLabel: string): Promise<boolean> {
  confirmStore.get()?.resolve(false);
  return new Promise((resolve) => {
    confirmStore.set({
      title,
      message,
      confirmLabel,
      resolve(confirmed) {
        confirmStore.set(null);
        resolve(confirmed);
      },
    });
  });
}
