// Typed ports. A port type is a zod schema with a name; two ports connect when their type names
// match or the input accepts `any`. The name is what the editor shows and what validation
// compares, so it must be stable across versions.
import { z } from 'zod';

export interface PortType<T = unknown> {
  readonly kind: 'port-type';
  readonly name: string;
  readonly schema: z.ZodType<T>;
  readonly description: string;
}

/** A port that may be left unconnected (input) or not emitted (output). */
export interface OptionalPort<T = unknown> {
  readonly kind: 'optional-port';
  readonly type: PortType<T>;
}

// biome-ignore lint/suspicious/noExplicitAny: ports of every value type share this container type.
export type PortLike = PortType<any> | OptionalPort<any>;
export type Ports = Readonly<Record<string, PortLike>>;

export function definePortType<T>(name: string, schema: z.ZodType<T>, description = ''): PortType<T> {
  return Object.freeze({ kind: 'port-type', name, schema, description });
}

export function optional<T>(type: PortType<T>): OptionalPort<T> {
  return Object.freeze({ kind: 'optional-port', type });
}

export function portTypeOf(port: PortLike): PortType<unknown> {
  return port.kind === 'optional-port' ? port.type : port;
}

export function isOptionalPort(port: PortLike): boolean {
  return port.kind === 'optional-port';
}

/** Whether an output of type `from` may feed an input of type `to`. */
export function portsConnect(from: PortType<unknown>, to: PortType<unknown>): boolean {
  return to.name === ANY_TYPE_NAME || from.name === to.name;
}

type PortValue<P> = P extends OptionalPort<infer T> ? T : P extends PortType<infer T> ? T : never;
// biome-ignore lint/suspicious/noExplicitAny: matches optional ports of any value type.
type RequiredKeys<P extends Ports> = { [K in keyof P]: P[K] extends OptionalPort<any> ? never : K }[keyof P];
// biome-ignore lint/suspicious/noExplicitAny: matches optional ports of any value type.
type OptionalKeys<P extends Ports> = { [K in keyof P]: P[K] extends OptionalPort<any> ? K : never }[keyof P];

/** The values a node receives on (or emits from) its ports: optional ports may be absent. */
export type PortValues<P extends Ports> = { [K in RequiredKeys<P>]: PortValue<P[K]> } & {
  [K in OptionalKeys<P>]?: PortValue<P[K]>;
};

const ANY_TYPE_NAME = 'any';

/** Accepts any value; only meaningful on inputs. */
export const AnyValue = definePortType<unknown>(ANY_TYPE_NAME, z.unknown(), 'Any value');
export const Json = definePortType<unknown>('json', z.unknown(), 'Any JSON value');
export const Text = definePortType<string>('text', z.string(), 'A string');
export const NumberValue = definePortType<number>('number', z.number(), 'A number');
export const BooleanValue = definePortType<boolean>('boolean', z.boolean(), 'true or false');
