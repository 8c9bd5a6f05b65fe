// Python's float() and int() on a token: what Spider's parser accepts as a number literal
// (underscores between digits, `inf` and `nan` included, as Python reads them).
import { SpiderParseError } from './spider-parse-error.ts';

const DIGITS = '\\d(?:_?\\d)*';
const FLOAT_PATTERN = new RegExp(
  `^([+-]?)(?:((?:${DIGITS}\\.(?:${DIGITS})?|\\.${DIGITS}|${DIGITS})(?:e[+-]?${DIGITS})?)|(inf|infinity)|(nan))$`,
  'i',
);
const INT_PATTERN = new RegExp(`^[+-]?${DIGITS}$`);

/** `float(text)`, or undefined where Python raises ValueError. */
export function parsePythonFloat(text: string): number | undefined {
  const match = FLOAT_PATTERN.exec(text);
  if (!match) return undefined;
  const [, sign, finite, infinite] = match;
  if (finite !== undefined) return Number(`${sign}${finite.replaceAll('_', '')}`);
  if (infinite !== undefined) return sign === '-' ? -Infinity : Infinity;
  return Number.NaN;
}

/** `int(text)`; throws where Python raises ValueError. */
export function parsePythonInt(text: string): number {
  if (!INT_PATTERN.test(text)) throw new SpiderParseError(`invalid literal for int(): '${text}'`);
  return Number(text.replaceAll('_', ''));
}
