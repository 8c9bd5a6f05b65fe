// Extra node types from plugin modules: R1FLOW_PLUGINS=path/a.ts,path/b.js. A plugin module's
// default export (or its `nodes` export) is a node definition or an array of them.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyNodeDefinition } from '../../engine/define-node.ts';
import { R1flowError } from '../../engine/errors.ts';
import type { NodeRegistry } from '../../engine/registry.ts';
import { createNodeRegistry } from '../../nodes/index.ts';

export const PLUGINS_ENV = 'R1FLOW_PLUGINS';

export async function loadNodeRegistry(spec = process.env[PLUGINS_ENV] ?? ''): Promise<NodeRegistry> {
  const extra: AnyNodeDefinition[] = [];
  for (const path of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
    } catch (error) {
      throw new R1flowError('CONFIG_INVALID', `cannot load node plugin ${path}: ${(error as Error).message}`);
    }
    const exported = module.nodes ?? module.default;
    const list = Array.isArray(exported) ? exported : [exported];
    for (const item of list) {
      if ((item as { kind?: string } | undefined)?.kind !== 'node-definition') {
        throw new R1flowError(
          'CONFIG_INVALID',
          `node plugin ${path} must export node definitions (defineNode) as default or "nodes"`,
        );
      }
      extra.push(item as AnyNodeDefinition);
    }
  }
  return createNodeRegistry(extra);
}
