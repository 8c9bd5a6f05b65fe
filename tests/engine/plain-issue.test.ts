// Flow problems a builder reads: plain sentences naming the field, never zod's wording.

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { plainIssueMessage } from '../../engine/plain-issue.ts';

function messages(schema: z.ZodType, input: unknown): string[] {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error('expected a failure');
  return parsed.error.issues.map((issue) => plainIssueMessage(issue, input));
}

describe('plainIssueMessage', () => {
  it('says a missing field is required and a wrong one what it must be', () => {
    const schema = z.object({ name: z.string(), n: z.number().int(), on: z.boolean() });
    expect(messages(schema, { n: 1.5, on: 'yes' })).toEqual([
      '"name" is required',
      '"n" must be a whole number (it is the number 1.5)',
      '"on" must be true or false (it is text)',
    ]);
  });

  it('gives bounds, choices, unknown fields and formats in words', () => {
    const schema = z
      .object({
        n: z.number().min(1).max(64),
        m: z.number().max(3),
        mode: z.enum(['a', 'b']),
        text: z.string().min(1),
        list: z.array(z.string()).min(2),
        url: z.url(),
      })
      .strict();
    expect(messages(schema, { n: 999, m: 9, mode: 'c', text: '', list: [], url: 'nope', extra: 1 })).toEqual([
      '"n" must be at most 64',
      '"m" must be at most 3',
      '"mode" must be one of "a", "b"',
      '"text" must not be empty',
      '"list" needs at least 2 items',
      '"url" must be a valid url',
      'unknown field "extra"',
    ]);
  });

  it('keeps a message the schema author wrote, naming the field, and paths into lists', () => {
    const schema = z.object({
      fields: z.array(z.object({ name: z.string().regex(/^[a-z]+$/, 'use lower-case letters') })),
    });
    expect(messages(schema, { fields: [{ name: 'ok' }, { name: 'NO' }, {}] })).toEqual([
      '"fields[1].name": use lower-case letters',
      '"fields[2].name" is required',
    ]);
    for (const message of messages(schema, { fields: [{}] })) expect(message).not.toMatch(/Invalid input/);
  });
});
