// test-suite's `remove_distinct`: `''.join(t.value for t in sqlparse.parse(s)[0].flatten() if
// t.value.lower() != 'distinct')`. Two things follow from that line and are kept here:
// - only a token whose whole text is DISTINCT goes: not 'distinct' in quotes, not distinct_count;
// - only the FIRST statement survives (sqlparse splits at a top-level `;`), so
//   "SELECT a; SELECT b" runs as "SELECT a;", and an empty query has no statement (an error).
// The lexer splits where sqlparse 0.4 does for every rule that can decide whether a word stands
// alone (comments, quotes, placeholders, numbers, names, operator runs); the rest are single
// characters, which is all the statement split needs to see.
import { R1flowError } from '../../engine/errors.ts';

/** `atom`: a literal, quoted name or placeholder (one token, never a bare word). */
type TokenKind = 'comment' | 'newline' | 'space' | 'atom' | 'name' | 'word' | 'other';
interface Token {
  kind: TokenKind;
  text: string;
}

const W = '[\\p{L}\\p{N}_]';
const NAME = `[A-ZÀ-Ü]${W}*`;

// In sqlparse's order; the first rule that matches at a position wins.
const RULES: readonly (readonly [TokenKind, RegExp])[] = [
  ['comment', /(?:--|# )[^\n]*?(?:\r\n|\r|\n|$)/y],
  ['comment', /\/\*[\s\S]*?\*\//y],
  ['newline', /\r\n|\r|\n/y],
  ['space', /\s/uy],
  ['other', /:=|::/y],
  ['atom', /`(?:``|[^`])*`/y],
  ['atom', /´(?:´´|[^´])*´/y],
  ['atom', new RegExp(`((?<!\\S)\\$(?:[_A-ZÀ-Ü]${W}*)?\\$)[\\s\\S]*?\\1`, 'iuy')],
  ['atom', new RegExp(`%(?:\\(${W}+\\))?s`, 'uy')],
  ['atom', new RegExp(`(?<!${W})[$:?]${W}+`, 'uy')],
  ['atom', new RegExp(`\\\\${W}+`, 'uy')],
  ['atom', new RegExp(`(?:@|##|#)[A-ZÀ-Ü]${W}+`, 'iuy')],
  ['name', new RegExp(`${NAME}(?=\\s*\\.)`, 'iuy')],
  ['name', new RegExp(`(?<=\\.)${NAME}`, 'iuy')],
  ['name', new RegExp(`${NAME}(?=\\()`, 'iuy')],
  ['atom', /-?0x[\dA-F]+/iy],
  ['atom', /-?\p{Nd}+(?:\.\p{Nd}+)?E-?\p{Nd}+/iuy],
  ['atom', /(?![_A-ZÀ-Ü])-?(?:\p{Nd}+\.\p{Nd}*|\.\p{Nd}+)(?![_A-ZÀ-Ü])/iuy],
  ['atom', /(?![_A-ZÀ-Ü])-?\p{Nd}+(?![_A-ZÀ-Ü])/iuy],
  ['atom', /'(?:''|\\'|[^'])*'/y],
  ['atom', /"(?:""|\\"|[^"])*"/y],
  ['atom', /""|"[^\n]*?[^\\]"/y],
  ['atom', /(?<![\p{L}\p{N}_\])])\[[^\][]+\]/uy],
  ['word', /[0-9_A-ZÀ-Ü][_$#\p{L}\p{N}]*/iuy],
  ['other', /[+/@#%^&|-]+/y],
];

function lex(sql: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < sql.length) {
    let token: Token | undefined;
    for (const [kind, pattern] of RULES) {
      pattern.lastIndex = position;
      const match = pattern.exec(sql);
      if (match && match[0] !== '') {
        token = { kind, text: match[0] };
        break;
      }
    }
    token ??= { kind: 'other', text: String.fromCodePoint(sql.codePointAt(position) as number) };
    tokens.push(token);
    position += token.text.length;
  }
  return tokens;
}

/** sqlparse's statement splitter: a `;` outside parentheses ends the statement (END counts as a
 * closing level, as CASE…END does there); spaces and `--` comments after it still belong to it. */
function firstStatement(tokens: readonly Token[]): Token[] {
  const statement: Token[] = [];
  let level = 0;
  let ended = false;
  for (const token of tokens) {
    if (ended && !(token.kind === 'space' || (token.kind === 'comment' && !token.text.startsWith('/*'))))
      break;
    if (token.text === '(') level += 1;
    else if (token.text === ')' || (token.kind === 'word' && token.text.toUpperCase() === 'END')) level -= 1;
    statement.push(token);
    if (level <= 0 && token.text === ';') ended = true;
  }
  return statement;
}

export function removeDistinct(sql: string): string {
  const statement = firstStatement(lex(sql));
  if (statement.every((token) => token.kind === 'space' || token.kind === 'newline')) {
    throw new R1flowError('SQL_EMPTY', 'the query is empty: there is no statement to run');
  }
  return statement
    .filter((token) => token.text.toLowerCase() !== 'distinct')
    .map((token) => token.text)
    .join('');
}
