// A node context for http.request tests: chosen settings and secrets, and `http` connections
// given by name → address, as a host with a store would resolve them.
import { connectionNotFound } from '../../engine/connections.ts';
import type { NodeContext } from '../../engine/define-node.ts';
import { createNodeContext } from '../../engine/node-context.ts';

export function httpNodeContext(
  options: {
    settings?: Record<string, string>;
    secrets?: Record<string, string>;
    connections?: Record<string, string>;
    signal?: AbortSignal;
  } = {},
): NodeContext {
  return createNodeContext({
    ...(options.signal ? { signal: options.signal } : {}),
    settings: {
      setting: (name) => options.settings?.[name],
      secret: (name) => options.secrets?.[name],
      connection: async (name) => {
        const url = options.connections?.[name];
        if (url === undefined) throw connectionNotFound(name);
        return { name, kind: 'http', url };
      },
    },
  });
}
