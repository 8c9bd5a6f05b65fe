// Reads one JSON file of an evaluation's inputs (questions, predictions). Every problem is
// DATASET_INVALID and names the file, with line and column when the JSON is malformed.
import { readFileSync } from 'node:fs';
import { R1flowError } from '../../engine/errors.ts';
import { parseJsonText } from '../../engine/json-source.ts';

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : 'cannot be read';
    throw new R1flowError('DATASET_INVALID', `${path}: ${reason}`, { path, cause: error });
  }
  try {
    return parseJsonText(text, path);
  } catch (error) {
    throw new R1flowError('DATASET_INVALID', (error as Error).message, { path, cause: error });
  }
}
