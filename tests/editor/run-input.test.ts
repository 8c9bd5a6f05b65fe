import { describe, expect, test } from 'vitest';
import type { FlowDraft } from '../../editor/src/flow/canvas-types.ts';
import { buildRunInput, triggerInputFields } from '../../editor/src/run/run-input.ts';

const draft = (type: string, fields: unknown): FlowDraft => ({
  id: 'f',
  name: 'F',
  nodes: [{ id: 't', type, params: { fields }, options: {}, position: { x: 0, y: 0 } }],
  edges: [],
});

describe('the run input form', () => {
  test('comes from the fields of a manual or webhook trigger, required unless said otherwise', () => {
    const fields = triggerInputFields(
      draft('trigger.manual@1', [
        { name: 'question', description: 'Ask' },
        { name: 'limit', type: 'integer', required: false },
        { type: 'string' },
      ]),
    );
    expect(fields).toEqual([
      { name: 'question', type: 'string', required: true, description: 'Ask' },
      { name: 'limit', type: 'integer', required: false },
    ]);
    expect(triggerInputFields(draft('trigger.webhook@1', [{ name: 'q' }]))).toHaveLength(1);
    expect(triggerInputFields(draft('trigger.schedule@1', [{ name: 'q' }]))).toEqual([]);
  });

  test('typed values become the JSON the trigger expects; missing or mistyped ones are named', () => {
    const fields = triggerInputFields(
      draft('trigger.manual@1', [
        { name: 'question' },
        { name: 'limit', type: 'integer', required: false },
        { name: 'strict', type: 'boolean' },
        { name: 'filters', type: 'object', required: false },
      ]),
    );
    expect(
      buildRunInput(fields, { question: ' How many? ', limit: '5', strict: true, filters: '{"a": 1}' }),
    ).toEqual({
      ok: true,
      input: { question: 'How many?', limit: 5, strict: true, filters: { a: 1 } },
    });
    expect(buildRunInput(fields, {})).toEqual({ ok: false, message: 'question is required' });
    expect(buildRunInput(fields, { question: 'q', limit: '2.5' })).toEqual({
      ok: false,
      message: 'limit must be an integer',
    });
    expect(buildRunInput(fields, { question: 'q', filters: '[1]' })).toEqual({
      ok: false,
      message: 'filters must be an object',
    });
  });
});
