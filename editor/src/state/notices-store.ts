// Messages for the user that are not tied to one field: a refused connection, a rejected import,
// a save that worked. Errors stay until dismissed; the others fade after a few seconds.
import { createStore } from 'zustand/vanilla';

export type NoticeKind = 'error' | 'info' | 'success';

export interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
  /** What the notice is about, so a newer notice of the same topic replaces it. */
  topic: string;
}

const FADE_MS = 6000;
let nextId = 1;

export const noticesStore = createStore<{ notices: Notice[] }>()(() => ({ notices: [] }));

export function notify(kind: NoticeKind, text: string, topic: string = kind): void {
  const notice = { id: nextId++, kind, text, topic };
  noticesStore.setState(({ notices }) => ({
    notices: [...notices.filter((n) => n.topic !== topic), notice],
  }));
  if (kind !== 'error') setTimeout(() => dismiss(notice.id), FADE_MS);
}

export function dismiss(id: number): void {
  noticesStore.setState(({ notices }) => ({ notices: notices.filter((n) => n.id !== id) }));
}

export function dismissTopic(topic: string): void {
  noticesStore.setState((state) =>
    state.notices.some((n) => n.topic === topic)
      ? { notices: state.notices.filter((n) => n.topic !== topic) }
      : state,
  );
}
