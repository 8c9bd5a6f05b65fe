// A streaming RFC 4180 reader: fields split by a delimiter, records by CRLF, LF or CR; a field in
// double quotes may hold delimiters, line breaks and doubled quotes (""). It reads a file in
// chunks, so a large CSV never sits in memory whole, and it is synchronous because rows are
// written inside a better-sqlite3 transaction. Lenient where real exports are sloppy (a quote
// inside an unquoted field is kept as text, blank lines are skipped), strict where data would be
// lost (text after a closing quote, a quote left open at the end of the file).
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { R1flowError } from '../../engine/errors.ts';

export interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts, for error messages. */
  line: number;
}

export interface CsvParser {
  /** Parses the next piece of text; returns the records it completed. */
  push(text: string): CsvRecord[];
  /** Ends the input; returns the last record, if any. */
  end(): CsvRecord[];
}

const CHUNK_BYTES = 64 * 1024;

type State = 'fieldStart' | 'unquoted' | 'quoted' | 'quoteInQuoted';

/** `name` (the file) prefixes error messages. */
export function createCsvParser(name: string, delimiter = ','): CsvParser {
  let state: State = 'fieldStart';
  let field = '';
  let fields: string[] = [];
  let recordQuoted = false;
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1;
  let previousWasCr = false;
  let skipLineFeed = false;
  let first = true;

  const fail = (message: string): never => {
    throw new R1flowError('SYNC_FAILED', `${name}:${line}: ${message}`, { data: { file: name, line } });
  };
  const endField = () => {
    fields.push(field);
    field = '';
    state = 'fieldStart';
  };
  const endRecord = (out: CsvRecord[], c: string) => {
    endField();
    // A line with nothing on it is no record (one unquoted empty field would be ambiguous).
    if (recordQuoted || fields.length > 1 || fields[0] !== '') out.push({ fields, line: recordLine });
    fields = [];
    recordQuoted = false;
    skipLineFeed = c === '\r';
  };

  return {
    push(text) {
      const out: CsvRecord[] = [];
      let i = 0;
      if (first && text.length > 0) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) i = 1;
      }
      for (; i < text.length; i += 1) {
        const c = text[i] as string;
        if (skipLineFeed) {
          skipLineFeed = false;
          previousWasCr = false;
          if (c === '\n') continue;
        }
        if (state === 'fieldStart' && fields.length === 0) recordLine = line;
        const lineBreak = c === '\n' || c === '\r';
        if (c === '\r' || (c === '\n' && !previousWasCr)) line += 1;
        previousWasCr = c === '\r';
        switch (state) {
          case 'quoted':
            if (c === '"') state = 'quoteInQuoted';
            else field += c;
            break;
          case 'quoteInQuoted':
            if (c === '"') {
              field += '"';
              state = 'quoted';
            } else if (c === delimiter) endField();
            else if (lineBreak) endRecord(out, c);
            else
              fail(
                `unexpected ${JSON.stringify(c)} after a closing quote (inside quotes, write a quote as "")`,
              );
            break;
          default:
            if (c === delimiter) endField();
            else if (lineBreak) endRecord(out, c);
            else if (c === '"' && state === 'fieldStart') {
              state = 'quoted';
              recordQuoted = true;
              quoteLine = line;
            } else {
              field += c;
              state = 'unquoted';
            }
        }
      }
      return out;
    },
    end() {
      if (state === 'quoted') {
        line = quoteLine;
        fail('a quoted field is not closed before the end of the file');
      }
      const out: CsvRecord[] = [];
      if (state !== 'fieldStart' || fields.length > 0) endRecord(out, '');
      return out;
    },
  };
}

/** Every record of a CSV file, read in chunks. */
export function* readCsvRecords(path: string, delimiter = ','): Generator<CsvRecord> {
  const parser = createCsvParser(path, delimiter);
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const bytes = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (bytes === 0) break;
      yield* parser.push(decoder.write(buffer.subarray(0, bytes)));
    }
    yield* parser.push(decoder.end());
    yield* parser.end();
  } finally {
    closeSync(fd);
  }
}
