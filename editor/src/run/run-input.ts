// The run input form comes from the flow's trigger: each of its `fields` is one input. Values are
// typed text until the run starts; then they become the JSON the trigger expects.
import type { FlowDraft } from '../flow/canvas-types.ts';

export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'any';

export interface InputField {
  name: string;
  type: FieldType;
  required: boolean;
  description?: string;
}

const FIELD_TRIGGERS = new Set(['trigger.manual', 'trigger.webhook']);
const FIELD_TYPES = new Set<string>(['string', 'number', 'integer', 'boolean', 'object', 'array', 'any']);

/** The fields of the flow's first manual or webhook trigger. */
export function triggerInputFields(draft: FlowDraft | null): InputField[] {
  const trigger = draft?.nodes.find((node) =>
    FIELD_TRIGGERS.has(node.type.slice(0, node.type.lastIndexOf('@'))),
  );
  const fields = trigger?.params.fields;
  if (!Array.isArray(fields)) return [];
  return fields.flatMap((field): InputField[] => {
    const { name, type, required, description } = (field ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') return [];
    return [
      {
        name,
        type: typeof type === 'string' && FIELD_TYPES.has(type) ? (type as FieldType) : 'string',
        required: required !== false,
        ...(typeof description === 'string' ? { description } : {}),
      },
    ];
  });
}

export type InputValues = Record<string, string | boolean>;

export function buildRunInput(
  fields: readonly InputField[],
  values: InputValues,
): { ok: true; input: Record<string, unknown> } | { ok: false; message: string } {
  const input: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = values[field.name];
    if (field.type === 'boolean') {
      input[field.name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (text === '') {
      if (field.required) return { ok: false, message: `${field.name} is required` };
      continue;
    }
    const value = parseValue(field.type, text);
    if (value === undefined) return { ok: false, message: `${field.name} must be ${article(field.type)}` };
    input[field.name] = value;
  }
  return { ok: true, input };
}

function parseValue(type: FieldType, text: string): unknown {
  switch (type) {
    case 'string':
      return text;
    case 'number':
    case 'integer': {
      const number = Number(text);
      return Number.isFinite(number) && (type === 'number' || Number.isInteger(number)) ? number : undefined;
    }
    default:
      try {
        const value: unknown = JSON.parse(text);
        if (type === 'array' && !Array.isArray(value)) return undefined;
        if (type === 'object' && (typeof value !== 'object' || value === null || Array.isArray(value)))
          return undefined;
        return value;
      } catch {
        return type === 'any' ? text : undefined;
      }
  }
}

function article(type: FieldType): string {
  return type === 'integer' || type === 'object' || type === 'array' ? `an ${type}` : `a ${type}`;
}
