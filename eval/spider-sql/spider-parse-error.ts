// What Spider's parser raises (an assertion, KeyError, IndexError or ValueError in the Python
// original) becomes one typed error: the query is outside what Spider's parser reads.
import { R1flowError } from '../../engine/errors.ts';

export class SpiderParseError extends R1flowError {
  constructor(reason: string) {
    super('SQL_SYNTAX', `Spider's SQL parser cannot read this query: ${reason}`, { data: { reason } });
  }
}
