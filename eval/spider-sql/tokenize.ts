// process_sql.py's `tokenize`: every ' becomes ", each pair of quotes (taken from the end) is
// swapped for a placeholder word, NLTK splits the rest, words are lower-cased, the quoted
// values come back as tokens (with their double quotes), and `! =`, `> =`, `< =` merge.
// Positions count code points, as Python's string indexes do.
import { splitWordsLikeNltk } from './nltk-word-split.ts';
import { pyAt, pySlice } from './python-list.ts';
import { SpiderParseError } from './spider-parse-error.ts';

const MERGED_PREFIXES = new Set(['!', '>', '<']);

export function tokenizeSpiderSql(query: string): string[] {
  const chars = Array.from(query.replaceAll("'", '"'));
  const quotes = chars.flatMap((char, index) => (char === '"' ? [index] : []));
  if (quotes.length % 2 !== 0) throw new SpiderParseError('Unexpected quote');

  const values = new Map<string, string>();
  for (let i = quotes.length - 1; i > 0; i -= 2) {
    const open = quotes[i - 1] as number;
    const close = quotes[i] as number;
    const key = `__val_${open}_${close}__`;
    values.set(key, chars.slice(open, close + 1).join(''));
    chars.splice(open, close + 1 - open, key);
  }

  let tokens = splitWordsLikeNltk(chars.join('')).map((word) => {
    const lower = word.toLowerCase();
    return values.get(lower) ?? lower;
  });

  const equals = tokens.flatMap((token, index) => (token === '=' ? [index] : [])).reverse();
  for (const index of equals) {
    const previous = pyAt(tokens, index - 1);
    if (MERGED_PREFIXES.has(previous)) {
      tokens = [...pySlice(tokens, 0, index - 1), `${previous}=`, ...pySlice(tokens, index + 1)];
    }
  }
  return tokens;
}
