import { describe, expect, it } from 'vitest';
import { convertCsvValue, csvValueType, widenCsvType } from '../../../nodes/warehouse/csv-column-types.ts';

describe('CSV column types', () => {
  it('reads integers, reals and text, and leading zeros as text', () => {
    expect(['0', '-12', '+7', '2.5', '.5', '1e3', '007', '1.2.3', 'NaN', ' 1', ''].map(csvValueType)).toEqual(
      ['INTEGER', 'INTEGER', 'INTEGER', 'REAL', 'REAL', 'REAL', 'TEXT', 'TEXT', 'TEXT', 'TEXT', ''],
    );
  });

  it('treats integers beyond 64 bits as REAL, like SQLite', () => {
    expect(csvValueType('9223372036854775807')).toBe('INTEGER');
    expect(csvValueType('9223372036854775808')).toBe('REAL');
    expect(csvValueType('9999999999999999999')).toBe('REAL');
    expect(csvValueType('-9223372036854775808')).toBe('INTEGER');
  });

  it('widens a column to the type that holds every value', () => {
    expect(widenCsvType('', 'INTEGER')).toBe('INTEGER');
    expect(widenCsvType('INTEGER', 'REAL')).toBe('REAL');
    expect(widenCsvType('TEXT', 'REAL')).toBe('TEXT');
  });

  it('converts values to their column type without rounding large integers', () => {
    expect(convertCsvValue('42', 'INTEGER')).toBe(42);
    expect(convertCsvValue('9007199254740993', 'INTEGER')).toBe(9007199254740993n);
    expect(convertCsvValue('42', 'TEXT')).toBe('42');
    expect(convertCsvValue('2.5', 'INTEGER')).toBe('2.5');
    expect(convertCsvValue('', 'TEXT')).toBeNull();
    expect(convertCsvValue('3', '')).toBe(3);
  });
});
