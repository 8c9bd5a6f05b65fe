// `r1flow export training`: the runs with feedback as training data for the next GRPO round, the
// same JSONL as GET /api/feedback/export.jsonl (one line per run, with sql.reward scores).

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { R1flowError } from '../../../engine/errors.ts';
import { trainingRecords } from '../../feedback/training-export.ts';
import { createRuntime } from '../../runtime/local-runtime.ts';
import { parseFlags, storeFlags, storeLocation } from '../options.ts';
import { defineCommandGroup, type Subcommand } from './command-group.ts';

const trainingUsage = 'export training --out FILE [--store PATH|URL]';
const training: Subcommand = {
  name: 'training',
  summary:
    'Write runs with feedback as JSONL: question, schema, prompt, chosen and corrected SQL, rating, SQL-R1 reward',
  usage: trainingUsage,
  async run(argv) {
    const { values } = parseFlags(argv, { ...storeFlags, out: { type: 'string' } }, trainingUsage);
    if (!values.out)
      throw new R1flowError('BAD_REQUEST', `--out FILE is required\nusage: r1flow ${trainingUsage}`);
    const runtime = await createRuntime({ storeLocation: storeLocation(values), adoptOrphans: false });
    const file = createWriteStream(values.out, { flags: 'w' });
    try {
      let lines = 0;
      for await (const record of trainingRecords(runtime)) {
        if (!file.write(`${JSON.stringify(record)}\n`)) await once(file, 'drain');
        lines++;
      }
      process.stderr.write(`wrote ${lines} run${lines === 1 ? '' : 's'} with feedback to ${values.out}\n`);
      return 0;
    } finally {
      file.end();
      await once(file, 'close');
      await runtime.close();
    }
  },
};

export const exportCommand = defineCommandGroup('export', 'Export feedback and runs as training data', [
  training,
]);
