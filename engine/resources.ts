// Per-process resources shared by node invocations: a SQL child-process pool, an open schema
// index, a model client. Nodes get them through `ctx.resources`, so node code holds no module
// state and every resource is disposed when the process shuts down.

export interface ResourceDefinition<T> {
  readonly name: string;
  create(key: string): T | Promise<T>;
  dispose?(value: T): void | Promise<void>;
}

export function defineResource<T>(definition: ResourceDefinition<T>): ResourceDefinition<T> {
  return Object.freeze({ ...definition });
}

export interface ResourceScope {
  /** The resource for `key` (e.g. a database path), created on first use. */
  get<T>(definition: ResourceDefinition<T>, key?: string): Promise<T>;
}

/** Owns the resources of one process; `disposeAll` runs each resource's `dispose`. */
export class ResourcePool implements ResourceScope {
  readonly #entries = new Map<string, { definition: ResourceDefinition<unknown>; value: Promise<unknown> }>();

  get<T>(definition: ResourceDefinition<T>, key = ''): Promise<T> {
    const id = `${definition.name}\u0000${key}`;
    let entry = this.#entries.get(id);
    if (!entry) {
      const value = Promise.resolve().then(() => definition.create(key));
      entry = { definition: definition as ResourceDefinition<unknown>, value };
      this.#entries.set(id, entry);
      // A failed creation is not cached: the next call tries again.
      value.catch(() => this.#entries.delete(id));
    }
    return entry.value as Promise<T>;
  }

  async disposeAll(): Promise<void> {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.allSettled(
      entries.map(async ({ definition, value }) => {
        const resolved = await value;
        await definition.dispose?.(resolved);
      }),
    );
  }
}
