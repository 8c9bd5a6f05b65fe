import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildSqlR1Prompt,
  findPromptQuestion,
  joinKnowledge,
  wrapInQwenChat,
} from '../../../nodes/llm/sql-r1-prompt.ts';
import { SPIDER_DEV_DIR } from '../../support/datasets.ts';

const SPIDER_DEV = SPIDER_DEV_DIR;
const DDL =
  'CREATE TABLE singer (\n    Singer_ID number, -- example: [1, 2]\n    PRIMARY KEY (Singer_ID)\n);';

describe('SQL-R1 prompt', () => {
  const prompt = buildSqlR1Prompt({ schema: DDL, question: 'How many singers do we have?' });

  it("has SQL-R1's sections in order, the schema before the question", () => {
    const order = [
      'Task Overview:\nYou are a data science expert.',
      'Database Engine:\nSQLite\n',
      `Database Schema:\n${DDL}\nThis schema describes the database's structure`,
      'Question:\nHow many singers do we have?\n\nInstructions:\n',
      'Output Format:\n',
      'Take a deep breath and think step by step to find the correct SQL query.\n',
    ];
    const positions = order.map((section) => prompt.indexOf(section));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('carries the exact think/answer and format lines of SQL-R1', () => {
    expect(prompt).toContain(
      '- Note that while the reasoning process and SQL query need to be enclosed within <think> </think> and ' +
        '<answer> </answer> tags respectively, this should not affect the quality of the SQL generation.\n' +
        '- The answer must contain the SQL query within ```sql ``` tags.\n\n',
    );
    expect(prompt).toContain(
      'In your answer, please enclose the generated SQL query in a code block:\n```sql\n-- Your SQL query\n```\n\n',
    );
    expect(
      prompt.endsWith('Take a deep breath and think step by step to find the correct SQL query.\n'),
    ).toBe(true);
  });

  it('puts external knowledge on the line before the question, and ignores blank knowledge', () => {
    expect(joinKnowledge('Q?', 'evidence')).toBe('evidence\nQ?');
    expect(joinKnowledge('Q?', '  ')).toBe('Q?');
    const bird = buildSqlR1Prompt({ schema: DDL, question: 'Q?', externalKnowledge: 'rich = income > 1' });
    expect(findPromptQuestion(bird)).toBe('rich = income > 1\nQ?');
  });

  it("wraps the message in Qwen2.5's ChatML with its default system line", () => {
    expect(wrapInQwenChat('hello')).toBe(
      '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' +
        '<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n',
    );
  });
});

describe('findPromptQuestion', () => {
  it('finds every spider-dev question exactly, bare and wrapped in ChatML', () => {
    const questions = JSON.parse(readFileSync(`${SPIDER_DEV}/questions.json`, 'utf8')) as {
      question: string;
    }[];
    expect(questions.length).toBe(499);
    for (const { question } of questions) {
      const prompt = buildSqlR1Prompt({ schema: DDL, question });
      expect(findPromptQuestion(prompt)).toBe(question);
      expect(findPromptQuestion(wrapInQwenChat(prompt))).toBe(question);
    }
  });

  it('is not fooled by section headers inside the question or the schema', () => {
    const question = 'Question:\nwhich rows?\n\nInstructions:\n- none';
    const schema = `${DDL}\n-- Question:\n-- Instructions:`;
    expect(findPromptQuestion(buildSqlR1Prompt({ schema, question }))).toBe(question);
  });

  it('gives null for text that is not an SQL-R1 prompt', () => {
    expect(findPromptQuestion('How many singers do we have?')).toBeNull();
    expect(findPromptQuestion('Question:\nHow many?\n\nInstructions:\n')).toBeNull();
  });
});

describe('verified examples in the prompt', () => {
  const question = 'How many singers do we have?';
  const examples = [
    { question: 'How many songs are there?', sql: 'SELECT count(*) FROM song' },
    // An example may contain the template's own section names; the question is still found.
    { question: 'Question:\nweird?', sql: 'SELECT 1 -- Question:\n' },
  ];

  it("leaves SQL-R1's prompt byte for byte when there are none", () => {
    // The SHA-256 of the prompt as built before examples existed (r1flow main, fe3a287).
    const pinned = '96dbcc2ab2001f8e42d8089e45094753c45073a920be466af44e79d1e7fee70c';
    for (const none of [undefined, []]) {
      const prompt = buildSqlR1Prompt({ schema: DDL, question, examples: none });
      expect(createHash('sha256').update(prompt).digest('hex')).toBe(pinned);
    }
  });

  it('puts them between the schema and the question, where findPromptQuestion still finds the question', () => {
    const prompt = buildSqlR1Prompt({ schema: DDL, question, examples });
    const order = [
      `${DDL}\nThis schema describes`,
      'Verified Examples:\n',
      'Example 1:\nQuestion: How many songs are there?\n```sql\nSELECT count(*) FROM song\n```\n',
      'Example 2:\n',
      '(end of verified examples)\n\nQuestion:\nHow many singers do we have?\n\nInstructions:\n',
    ];
    const positions = order.map((section) => prompt.indexOf(section));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(findPromptQuestion(prompt)).toBe(question);
    expect(findPromptQuestion(wrapInQwenChat(prompt))).toBe(question);
  });
});
