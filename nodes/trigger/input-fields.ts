// The input a trigger accepts, described as a list of fields (like Dify's start-node variables):
// it becomes the zod schema that checks a run's input and one output port per field.
import { z } from 'zod';
import type { NodeContext } from '../../engine/define-node.ts';
import type { PortLike, PortType } from '../../engine/ports.ts';
import { BooleanValue, Json, NumberValue, optional, Text } from '../../engine/ports.ts';
import { HISTORY_KEY } from '../../engine/thread-turns.ts';
import { ConversationPort } from '../types.ts';

export const InputFieldSchema = z.object({
  name: z
    .string()
    .regex(
      /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
      'a field name uses letters, digits and _ and starts with a letter or _',
    )
    .describe('Name of the field in the input JSON, and of the output port'),
  type: z.enum(['string', 'number', 'integer', 'boolean', 'object', 'array', 'any']).default('string'),
  required: z.boolean().default(true),
  description: z.string().max(500).optional(),
  maxLength: z.number().int().min(1).optional().describe('Longest accepted string, in characters'),
});
export type InputField = z.output<typeof InputFieldSchema>;

export const InputFieldsSchema = z
  .array(InputFieldSchema)
  .max(50)
  .default([])
  .refine((fields) => new Set(fields.map((f) => f.name)).size === fields.length, 'field names must be unique')
  .refine((fields) => !fields.some((f) => f.name === 'payload'), '"payload" is reserved for the whole input')
  .refine(
    (fields) => !fields.some((f) => f.name === HISTORY_KEY),
    `"${HISTORY_KEY}" is reserved for the earlier turns of a follow-up's thread`,
  )
  .describe('Fields the run input must have; each becomes an output port');

/** What a trigger placed from the palette asks for: the question an NL2SQL flow answers. */
export const STARTER_FIELDS: z.input<typeof InputFieldsSchema> = [
  { name: 'question', type: 'string', required: true, description: 'The question to answer' },
];

function fieldSchema(field: InputField): z.ZodType {
  switch (field.type) {
    case 'string': {
      const text = field.maxLength ? z.string().max(field.maxLength) : z.string();
      // A required text that is blank carries nothing (an empty question would reach the model);
      // the value itself is passed on untrimmed.
      return field.required
        ? text.refine(
            (value) => value.trim() !== '',
            `${field.name} is required and must not be empty or only spaces`,
          )
        : text;
    }
    case 'number':
      return z.number();
    case 'integer':
      return z.number().int();
    case 'boolean':
      return z.boolean();
    case 'object':
      return z.record(z.string(), z.unknown());
    case 'array':
      return z.array(z.unknown());
    case 'any':
      return z.unknown();
  }
}

/** Without fields any JSON object is accepted; extra keys are always allowed (and kept in `payload`). */
export function inputSchemaOf(fields: readonly InputField[]): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const field of fields)
    shape[field.name] = field.required ? fieldSchema(field) : fieldSchema(field).optional();
  return z.looseObject(shape);
}

const PORT_OF: Record<InputField['type'], PortType<unknown>> = {
  string: Text as PortType<unknown>,
  number: NumberValue as PortType<unknown>,
  integer: NumberValue as PortType<unknown>,
  boolean: BooleanValue as PortType<unknown>,
  object: Json,
  array: Json,
  any: Json,
};

export function fieldPorts(fields: readonly InputField[]): Record<string, PortLike> {
  return Object.fromEntries(
    fields.map((field) => [field.name, field.required ? PORT_OF[field.type] : optional(PORT_OF[field.type])]),
  );
}

/**
 * The trigger's outputs for a run input: `payload` plus each field present, and `history` when
 * the run follows up earlier ones (the engine put the thread's turns there).
 */
export function triggerOutputs(fields: readonly InputField[], input: unknown): Record<string, unknown> {
  const parsed = inputSchemaOf(fields).parse(input) as Record<string, unknown>;
  const outputs: Record<string, unknown> = { payload: parsed };
  for (const field of fields) if (parsed[field.name] !== undefined) outputs[field.name] = parsed[field.name];
  if (parsed[HISTORY_KEY] !== undefined) outputs[HISTORY_KEY] = parsed[HISTORY_KEY];
  return outputs;
}

type WithFields = { fields: readonly InputField[] };

/**
 * The behaviour every trigger with `fields` shares (manual, webhook): one output port per field,
 * the run input checked against the fields, and the input turned into outputs.
 */
export const fieldsTrigger = {
  inputs: {},
  outputs: { payload: Json, [HISTORY_KEY]: optional(ConversationPort) },
  dynamicOutputs: (params: WithFields) => fieldPorts(params.fields),
  inputSchema: (params: WithFields) => inputSchemaOf(params.fields),
  async run({ params, ctx }: { params: WithFields; ctx: NodeContext }) {
    return triggerOutputs(params.fields, ctx.runInput ?? {}) as { payload: unknown };
  },
};
