// A minimal external store (the zustand idea in 40 lines): components subscribe to a slice through a
// selector and re-render only when that slice changes, so dragging one of 200 nodes does not
// re-render the side panels.
import { useCallback, useRef, useSyncExternalStore } from 'react';

export interface Store<T> {
  get(): T;
  set(next: T | ((current: T) => T)): void;
  subscribe(listener: () => void): () => void;
}

export function createStore<T>(initial: T): Store<T> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(next) {
      const value = typeof next === 'function' ? (next as (current: T) => T)(state) : next;
      if (Object.is(value, state)) return;
      state = value;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The selected slice of a store; `equal` decides when a new slice counts as a change. */
export function useStore<T, S>(
  store: Store<T>,
  select: (state: T) => S,
  equal: (a: S, b: S) => boolean = Object.is,
): S {
  const last = useRef<{ state: T; select: (state: T) => S; slice: S } | null>(null);
  const getSlice = useCallback(() => {
    const state = store.get();
    const previous = last.current;
    if (previous && previous.state === state && previous.select === select) return previous.slice;
    const fresh = select(state);
    const slice = previous && equal(previous.slice, fresh) ? previous.slice : fresh;
    last.current = { state, select, slice };
    return slice;
  }, [store, select, equal]);
  return useSyncExternalStore(store.subscribe, getSlice, getSlice);
}

export function shallowEqualArrays<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, index) => Object.is(item, b[index]));
}
