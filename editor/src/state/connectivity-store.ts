// Whether the API answers, and whether it wants this browser to sign in first. The HTTP client
// writes it; the banner and the sign-in form read it.
import { createStore } from 'zustand/vanilla';

export interface Connectivity {
  reachable: boolean;
  signInRequired: boolean;
}

export const connectivityStore = createStore<Connectivity>()(() => ({
  reachable: true,
  signInRequired: false,
}));

export function markReachable(reachable: boolean): void {
  connectivityStore.setState((current) => (current.reachable === reachable ? current : { reachable }));
}

export function markSignInRequired(signInRequired: boolean): void {
  connectivityStore.setState((current) =>
    current.signInRequired === signInRequired ? current : { signInRequired },
  );
}
