// What `r1flow sim-llm --replay` accepts: `FILE` (served as `--model`, as before), `NAME=FILE`
// (served as model NAME) and `NAME=FILE#K` (only the K-th response of every line, counted from 0:
// one system's column of an ensemble file). The flag may be given once per model.
import { R1flowError } from '../engine/errors.ts';
import type { SimLlmOptions } from './start-sim-llm.ts';

type ReplayOptions = Pick<SimLlmOptions, 'replayPath' | 'replays'>;

const COLUMN = /^(.*)#(\d+)$/;

export function parseReplaySpecs(values: readonly string[]): ReplayOptions {
  const plain = values.filter((value) => !value.includes('='));
  if (plain.length > 1) {
    throw new R1flowError(
      'CONFIG_INVALID',
      `--replay FILE may be given once (it is served as --model); name the others: --replay NAME=FILE, got ${plain.join(', ')}`,
    );
  }
  const replays = values
    .filter((value) => value.includes('='))
    .map((value) => {
      const at = value.indexOf('=');
      const model = value.slice(0, at).trim();
      const target = value.slice(at + 1);
      if (model === '' || target === '') {
        throw new R1flowError('CONFIG_INVALID', `--replay ${value}: expected NAME=FILE or NAME=FILE#K`);
      }
      const column = COLUMN.exec(target);
      return column ? { model, path: column[1]!, response: Number(column[2]) } : { model, path: target };
    });
  return { ...(plain[0] === undefined ? {} : { replayPath: plain[0] }), replays };
}
