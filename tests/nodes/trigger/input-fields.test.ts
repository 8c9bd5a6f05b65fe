import { describe, expect, it } from 'vitest';
import { InputFieldsSchema, inputSchemaOf, triggerOutputs } from '../../../nodes/trigger/input-fields.ts';

const fields = InputFieldsSchema.parse([
  { name: 'question' },
  { name: 'note', required: false },
  { name: 'title', maxLength: 5 },
]);
const schema = inputSchemaOf(fields);

function issuesOf(input: unknown): { path: PropertyKey[]; message: string }[] {
  const parsed = schema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map(({ path, message }) => ({ path, message }));
}

describe('trigger input fields', () => {
  it('refuses a required text field that is empty or only whitespace, naming the field', () => {
    for (const blank of ['', ' ', '\t\n  ']) {
      expect(issuesOf({ question: blank, title: 'ok' })).toEqual([
        { path: ['question'], message: 'question is required and must not be empty or only spaces' },
      ]);
    }
  });

  it('passes a required text on untrimmed, and still checks its type and length', () => {
    expect(triggerOutputs(fields, { question: ' How many singers? ', title: 'ok' })).toMatchObject({
      question: ' How many singers? ',
    });
    expect(issuesOf({ question: 7, title: 'ok' }).map((issue) => issue.path)).toEqual([['question']]);
    expect(issuesOf({ question: 'q', title: 'too long' }).map((issue) => issue.path)).toEqual([['title']]);
    expect(issuesOf({ title: 'ok' }).map((issue) => issue.path)).toEqual([['question']]);
  });

  it('keeps an optional text field optional: absent or empty is accepted', () => {
    expect(issuesOf({ question: 'q', title: 'ok' })).toEqual([]);
    expect(issuesOf({ question: 'q', title: 'ok', note: '' })).toEqual([]);
    expect(triggerOutputs(fields, { question: 'q', title: 'ok' })).not.toHaveProperty('note');
  });

  it("emits a follow-up's history on its own port, and reserves the name", () => {
    const history = [{ question: 'How many orders were placed?', sql: 'SELECT COUNT(*) FROM orders;' }];
    const outputs = triggerOutputs(fields, { question: 'and only for 2023?', title: 'ok', history });
    expect(outputs).toMatchObject({ question: 'and only for 2023?', history });
    expect(triggerOutputs(fields, { question: 'q', title: 'ok' })).not.toHaveProperty('history');
    const reserved = InputFieldsSchema.safeParse([{ name: 'history', type: 'array' }]);
    expect(reserved.success).toBe(false);
    expect(reserved.error?.issues[0]?.message).toBe(
      '"history" is reserved for the earlier turns of a follow-up\'s thread',
    );
  });
});
