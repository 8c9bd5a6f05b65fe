// Messages for the user that are not tied to one field: a refused connection, a rejected import,
// a save that worked. Errors stay until dismissed; the others fade after a few seconds.
import { createStore } from './create-store.ts';

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

export const noticesStore = createStore<Notice[]>([]);

export function notify(kind: NoticeKind, text: string, topic: string = kind): void {
  const notice = { id: nextId++, kind, text, topic };
  noticesStore.set((list) => [...list.filter((n) => n.topic !== topic), notice]);
  if (kind !== 'error') setTimeout(() => dismiss(notice.id), FADE_MS);
}

export function dismiss(id: number): void {
  noticesStore.set((list) => list.filter((n) => n.id !== id));
}

export function dismissTopic(topic: string): void {
  noticesStore.set((list) =>
    list.some((n) => n.topic === topic) ? list.filter((n) => n.topic !== topic) : list,
  );
}
