import { describe, expect, it } from 'vitest';
import { createCsvParser } from '../../../nodes/warehouse/csv-records.ts';

/** Parses `text` fed in pieces of `size` characters (1 = every chunk boundary there is). */
function parse(text: string, size = text.length || 1): { fields: string[]; line: number }[] {
  const parser = createCsvParser('test.csv');
  const records = [];
  for (let i = 0; i < text.length; i += size) records.push(...parser.push(text.slice(i, i + size)));
  return [...records, ...parser.end()];
}

const fieldsOf = (text: string, size?: number) => parse(text, size).map((record) => record.fields);

describe('the CSV reader', () => {
  const tricky =
    '\uFEFFid,text,note\r\n1,"a, b","say ""hi"""\r\n\r\n2,"line one\nline two",\r\n3,x"y,""\n4,last,no newline';
  const expected = [
    ['id', 'text', 'note'],
    ['1', 'a, b', 'say "hi"'],
    ['2', 'line one\nline two', ''],
    ['3', 'x"y', ''],
    ['4', 'last', 'no newline'],
  ];

  it('reads RFC 4180 quoting, blank lines, a BOM and a last line without a newline', () => {
    expect(fieldsOf(tricky)).toEqual(expected);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    for (const size of [1, 2, 3, 7]) expect(fieldsOf(tricky, size)).toEqual(expected);
  });

  it('numbers records by the line they start on, line breaks inside quotes counted', () => {
    expect(parse(tricky).map((record) => record.line)).toEqual([1, 2, 4, 6, 7]);
  });

  it('accepts CR line endings and a trailing delimiter', () => {
    expect(fieldsOf('a,b\r1,\r')).toEqual([
      ['a', 'b'],
      ['1', ''],
    ]);
  });

  it('keeps a line holding only "" as a record with one empty field', () => {
    expect(fieldsOf('a\n""\n')).toEqual([['a'], ['']]);
  });

  it('refuses text after a closing quote and a quote left open, naming the line', () => {
    expect(() => fieldsOf('a,b\n"x"y,1\n')).toThrow(/test\.csv:2: unexpected "y" after a closing quote/);
    expect(() => fieldsOf('a\n1\n"open\nstill open')).toThrow(
      /test\.csv:3: a quoted field is not closed before the end of the file/,
    );
  });
});
