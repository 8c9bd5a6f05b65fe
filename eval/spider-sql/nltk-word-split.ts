// NLTK's `word_tokenize` (the regex pipeline of NLTKWordTokenizer, nltk 3.8), which Spider's
// process_sql.py runs over a query after it has swapped string literals for placeholders.
// Spider calls it without `preserve_line`, so punkt first splits sentences; a SQL query is one
// sentence for punkt (periods sit inside `T1.name` or numbers), so the split is left out here.
// Python's `\w`, `\d` and `\b` are Unicode-aware: the JS patterns spell that out with \p{...}.

type Rule = readonly [pattern: RegExp, replacement: string];

const WORD = '[\\p{L}\\p{N}_]';
const WORD_START = `(?<!${WORD})`;
const WORD_END = `(?!${WORD})`;

const STARTING_QUOTES: readonly Rule[] = [
  [/([«“‘„]|`+)/gu, ' $1 '],
  [/^"/gu, '``'],
  [/(``)/gu, ' $1 '],
  [/([ ([{<])("|'{2})/gu, '$1 `` '],
  [new RegExp(`(')(?!re|ve|ll|m|t|s|d|n)(${WORD})${WORD_END}`, 'giu'), '$1 $2'],
];

const PUNCTUATION: readonly Rule[] = [
  [/([^.])(\.)([\])}>"'»”’ ]*)\s*$/gu, '$1 $2 $3 '],
  [/([:,])([^\p{Nd}])/gu, ' $1 $2'],
  // Python's `$` also matches before a final newline.
  [/([:,])(?=\n?$)/gu, ' $1 '],
  [/\.{2,}/gu, ' $& '],
  [/[;@#$%&]/gu, ' $& '],
  [/([^.])(\.)([\])}>"']*)\s*$/gu, '$1 $2$3 '],
  [/[?!]/gu, ' $& '],
  [/([^'])' /gu, "$1 ' "],
  [/[*]/gu, ' $& '],
];

const PARENS_BRACKETS: Rule = [/[\][(){}<>]/gu, ' $& '];
const DOUBLE_DASHES: Rule = [/--/gu, ' -- '];

const ENDING_QUOTES: readonly Rule[] = [
  [/([»”’])/gu, ' $1 '],
  [/''/gu, " '' "],
  [/"/gu, " '' "],
  [/([^' ])('[sS]|'[mM]|'[dD]|') /gu, '$1 $2 '],
  [/([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) /gu, '$1 $2 '],
];

const CONTRACTIONS: readonly Rule[] = [
  ...[
    ['can', 'not'],
    ['d', "'ye"],
    ['gim', 'me'],
    ['gon', 'na'],
    ['got', 'ta'],
    ['lem', 'me'],
    ['more', "'n"],
  ].map(([a, b]): Rule => [new RegExp(`${WORD_START}(${a})(${b})${WORD_END}`, 'giu'), ' $1 $2 ']),
  [new RegExp(`${WORD_START}(wan)(na)(?=\\s)`, 'giu'), ' $1 $2 '],
  [new RegExp(` ('t)(is)${WORD_END}`, 'giu'), ' $1 $2 '],
  [new RegExp(` ('t)(was)${WORD_END}`, 'giu'), ' $1 $2 '],
];

function applyRules(text: string, rules: readonly Rule[]): string {
  return rules.reduce((current, [pattern, replacement]) => current.replace(pattern, replacement), text);
}

/** Splits text into words exactly where NLTK's word tokenizer does (for one sentence). */
export function splitWordsLikeNltk(text: string): string[] {
  let padded = applyRules(text, STARTING_QUOTES);
  padded = applyRules(padded, PUNCTUATION);
  padded = applyRules(padded, [PARENS_BRACKETS, DOUBLE_DASHES]);
  padded = applyRules(` ${padded} `, ENDING_QUOTES);
  padded = applyRules(padded, CONTRACTIONS);
  return padded.split(/\s+/u).filter((word) => word !== '');
}
