// Node types by `type@version`, and the catalog the editor and API serve: every node's params
// and ports as JSON Schema (zod 4's own z.toJSONSchema).
import { z } from 'zod';
import type { AnyNodeDefinition, Lane, NodeFamily } from './define-node.ts';
import { LANES } from './define-node.ts';
import { R1flowError } from './errors.ts';
import type { Ports } from './ports.ts';
import { isOptionalPort, portTypeOf } from './ports.ts';

export interface CatalogPort {
  name: string;
  type: string;
  optional: boolean;
  description: string;
  schema: unknown;
}

export interface CatalogEntry {
  key: string;
  type: string;
  version: number;
  title: string;
  family: NodeFamily;
  lane: Lane;
  description: string;
  batched: boolean;
  /** JSON Schema of the params (input side: defaults may be left out). */
  params: unknown;
  /** What a node placed from the palette starts with. */
  starterParams: Record<string, unknown>;
  inputs: CatalogPort[];
  outputs: CatalogPort[];
  /** True when outputs depend on params (the editor asks the server to resolve them). */
  dynamicOutputs: boolean;
}

export class NodeRegistry {
  readonly #byKey = new Map<string, AnyNodeDefinition>();

  constructor(definitions: Iterable<AnyNodeDefinition> = []) {
    for (const definition of definitions) this.register(definition);
  }

  register(definition: AnyNodeDefinition): this {
    if (this.#byKey.has(definition.key)) throw new Error(`node type ${definition.key} is registered twice`);
    // A job for a lane no transport serves would wait forever (or silently run elsewhere).
    if (!LANES.includes(definition.lane)) {
      throw new R1flowError(
        'FLOW_UNKNOWN_LANE',
        `node type ${definition.key} asks for lane "${definition.lane}"; lanes are ${LANES.join(', ')}`,
      );
    }
    this.#byKey.set(definition.key, definition);
    return this;
  }

  /** The definition for `type@version`, or undefined. */
  find(key: string): AnyNodeDefinition | undefined {
    return this.#byKey.get(key);
  }

  /** Versions installed for a type, for "did you mean" messages. */
  versionsOf(type: string): number[] {
    return [...this.#byKey.values()].filter((d) => d.type === type).map((d) => d.version);
  }

  all(): AnyNodeDefinition[] {
    return [...this.#byKey.values()];
  }

  catalog(): CatalogEntry[] {
    return this.all().map(catalogEntry);
  }

  describeKnown(key: string): string {
    const type = key.slice(0, key.lastIndexOf('@'));
    const versions = this.versionsOf(type);
    return versions.length > 0
      ? `installed versions of ${type}: ${versions.join(', ')}`
      : `known types: ${[...new Set(this.all().map((d) => d.type))].sort().join(', ')}`;
  }
}

function catalogEntry(definition: AnyNodeDefinition): CatalogEntry {
  return {
    key: definition.key,
    type: definition.type,
    version: definition.version,
    title: definition.title,
    family: definition.family,
    lane: definition.lane,
    description: definition.description ?? '',
    batched: typeof definition.runBatch === 'function',
    params: z.toJSONSchema(definition.params, { io: 'input', unrepresentable: 'any' }),
    starterParams: (definition.starterParams as Record<string, unknown> | undefined) ?? {},
    inputs: catalogPorts(definition.inputs),
    outputs: catalogPorts(definition.outputs),
    dynamicOutputs: typeof definition.dynamicOutputs === 'function',
  };
}

export function catalogPorts(ports: Ports): CatalogPort[] {
  return Object.entries(ports).map(([name, port]) => {
    const type = portTypeOf(port);
    return {
      name,
      type: type.name,
      optional: isOptionalPort(port),
      description: type.description,
      schema: z.toJSONSchema(type.schema, { io: 'output', unrepresentable: 'any' }),
    };
  });
}
