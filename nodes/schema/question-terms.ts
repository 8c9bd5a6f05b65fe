// Turns a question into an FTS5 query: its content words, each quoted (so FTS5 operators and
// punctuation in the question cannot break the query), joined by OR so any word may match and
// BM25 ranks chunks that match more and rarer words higher.

// Question words that name no table or column; they would only add noise to BM25.
const STOP_WORDS = new Set(
  `a about above all also an and any are as at be by can could did do does each every find for from
   give has have how i in into is it its list many me much my of on or our per please return show
   some than that the their them then there these they this those to us was we were what when where
   which who whom whose why will with would you your`.split(/\s+/),
);

export function questionTerms(question: string): string[] {
  const words = question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.filter((word) => !STOP_WORDS.has(word) && (word.length > 1 || /\d/.test(word))))];
}

/** An FTS5 MATCH expression, or undefined when the question has no content word. */
export function ftsQueryFor(question: string): string | undefined {
  const terms = questionTerms(question);
  return terms.length > 0 ? terms.map((term) => `"${term}"`).join(' OR ') : undefined;
}
