import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyReplayBook, loadReplayBook, normaliseQuestion } from '../../sim-llm/replay-book.ts';
import { trigramSimilarity } from '../../sim-llm/text-similarity.ts';
import { SPIDER_REPLAY, writeReplayFile } from './sim-fixtures.ts';

describe('normaliseQuestion', () => {
  it('ignores case, runs of spaces and punctuation, and never merges words', () => {
    expect(normaliseQuestion('How many  customers are there in each region?')).toBe(
      'how many customers are there in each region',
    );
    expect(normaliseQuestion('  What is the name of "Adele"\u2019s song ?  ')).toBe(
      'what is the name of adele s song',
    );
    expect(normaliseQuestion('Ｆｕｌｌ-width: ok')).toBe('full width ok');
    expect(normaliseQuestion("don't")).not.toBe(normaliseQuestion('dont'));
  });
});

describe('trigramSimilarity', () => {
  it('is 1 for the same text, 0 for texts sharing no 3-gram, and in between otherwise', () => {
    expect(trigramSimilarity('singers', 'singers')).toBe(1);
    expect(trigramSimilarity('abc', 'xyz')).toBe(0);
    expect(trigramSimilarity('', '')).toBe(0);
    const near = trigramSimilarity('how many singers', 'how many singer');
    const far = trigramSimilarity('how many singers', 'list the stadiums');
    expect(near).toBeGreaterThan(far);
    expect(near).toBeLessThan(1);
  });
});

describe('a replay book', () => {
  const replay = writeReplayFile([
    { question: 'How many customers are there in each region?', responses: ['by region'] },
    { question: 'How many singers?', responses: ['singers'] },
    // Same normalised form as the line above: found only when asked exactly.
    { question: 'how many SINGERS', responses: ['shouted'] },
    { question: 'How many singers? List them too.', responses: ['listed'] },
    { question: 'What is the average age of all singers?', responses: ['age'] },
    { question: 'List the names of stadiums.', responses: ['stadiums'] },
  ]);
  const book = loadReplayBook(replay.path);
  afterAll(() => replay.remove());

  it('matches a question retyped with other case, spacing and punctuation', () => {
    expect(book.responsesFor('how many  customers are there in each region')).toEqual(['by region']);
    expect(book.responsesFor('  HOW MANY CUSTOMERS, are there in each region ?')).toEqual(['by region']);
  });

  it('prefers the exact question, and otherwise the first one recorded with that normalised form', () => {
    expect(book.responsesFor('how many SINGERS')).toEqual(['shouted']);
    expect(book.responsesFor('How many singers?')).toEqual(['singers']);
    expect(book.responsesFor('how many singers.')).toEqual(['singers']);
  });

  it('still never matches a question that is only contained in a recorded one', () => {
    expect(book.responsesFor('How many')).toBeUndefined();
    expect(book.responsesFor('How many singers? List them')).toBeUndefined();
  });

  it('names up to the asked number of closest recorded questions, most alike first', () => {
    expect(book.closestQuestions('How many singer are there?', 3)).toEqual([
      'How many singers?',
      'how many SINGERS',
      'How many singers? List them too.',
    ]);
    expect(book.closestQuestions('average age of the singers', 1)).toEqual([
      'What is the average age of all singers?',
    ]);
    expect(book.closestQuestions('qqq', 3)).toEqual([]);
  });

  it('is empty without a replay file', () => {
    const empty = emptyReplayBook();
    expect(empty.size).toBe(0);
    expect(empty.responsesFor('How many singers?')).toBeUndefined();
    expect(empty.closestQuestions('How many singers?', 3)).toEqual([]);
  });
});

describe('the spider-dev replay', () => {
  const lines = readFileSync(SPIDER_REPLAY, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"question"'))
    .map((line) => JSON.parse(line) as { question: string; responses: string[] });
  const book = loadReplayBook(SPIDER_REPLAY);

  it('answers each of its 499 questions with its own responses, asked exactly or retyped', () => {
    expect(lines).toHaveLength(499);
    expect(new Set(lines.map((line) => normaliseQuestion(line.question))).size).toBe(499);
    for (const { question, responses } of lines) {
      expect(book.responsesFor(question)).toEqual(responses);
      expect(book.responsesFor(` ${question.toUpperCase().replace(/\?$/, '')} `)).toEqual(responses);
    }
  });
});

describe('a replay line with ifPromptContains', () => {
  const replay = writeReplayFile([
    {
      question: 'How many orders shipped?',
      responses: ['with example'],
      ifPromptContains: 'shipped_at IS NOT NULL',
    },
    { question: 'How many orders shipped?', responses: ['plain'] },
    { question: 'Only with an example?', responses: ['conditional only'], ifPromptContains: 'EXAMPLE' },
  ]);
  const book = loadReplayBook(replay.path);
  afterAll(() => replay.remove());

  it('answers instead of the plain line when the prompt contains its text, whatever the file order', () => {
    expect(book.responsesFor('How many orders shipped?')).toEqual(['plain']);
    expect(book.responsesFor('How many orders shipped?', [], 'a prompt without it')).toEqual(['plain']);
    expect(book.responsesFor('how many orders shipped', [], '… WHERE shipped_at IS NOT NULL …')).toEqual([
      'with example',
    ]);
    expect(book.size).toBe(2);
  });

  it('leaves a question without a plain line unknown when the prompt lacks the text', () => {
    expect(book.responsesFor('Only with an example?', [], 'no')).toBeUndefined();
    expect(book.responsesFor('Only with an example?', [], 'an EXAMPLE')).toEqual(['conditional only']);
  });
});
