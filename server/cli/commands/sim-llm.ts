// `r1flow sim-llm`: runs the simulated model server until SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { isR1flowError } from '../../../engine/errors.ts';
import { parseReplaySpecs } from '../../../sim-llm/replay-spec.ts';
import { startSimLlm } from '../../../sim-llm/start-sim-llm.ts';
import type { SchedulingMode } from '../../../sim-llm/virtual-gpu.ts';
import { defineCommand } from '../command.ts';
import { logFormatFlag, processLogger } from '../options.ts';
import { listenError } from './listen-error.ts';

const USAGE = `sim-llm [--port 8000] [--host 127.0.0.1] [--replay [NAME=]FILE[#K] ...] [--profile FILE]
                      [--mode continuous|static|serial] [--speed 1] [--max-batch 64] [--model sim-sql-r1]
                      [--log-format pretty|json]

  --replay FILE    JSONL of recorded answers ({db_id, question, responses}), served as --model;
                   without any replay every question is unknown
  --replay NAME=FILE       one more model, answering requests that name model NAME (repeatable)
  --replay NAME=FILE#K     only the K-th response (from 0) of every line: one system of an ensemble file,
                           e.g. --replay codes-1b=datasets/spider-dev/replay-ensemble.jsonl#0
  --profile FILE   GPU batching profile to delay batches by (datasets/gpu-profiles/h100-qwen2.5-coder-7b.json);
                   without it no delays
  --mode           static: one request = one batch, one at a time; continuous: vLLM-like; serial: one sequence at a time
  --speed X        divides every simulated delay by X`;

export default defineCommand({
  name: 'sim-llm',
  summary: 'Simulated OpenAI-compatible model server (recorded answers, GPU cost model)',
  usage: USAGE,
  async run(argv) {
    let flags: Record<string, string | undefined>;
    let replays: string[];
    try {
      const { replay, ...values } = parseArgs({
        args: argv,
        strict: true,
        options: {
          port: { type: 'string', default: '8000' },
          host: { type: 'string', default: '127.0.0.1' },
          replay: { type: 'string', multiple: true },
          profile: { type: 'string' },
          mode: { type: 'string', default: 'continuous' },
          speed: { type: 'string', default: '1' },
          'max-batch': { type: 'string', default: '64' },
          model: { type: 'string' },
          ...logFormatFlag,
        },
      }).values;
      flags = values;
      replays = replay ?? [];
    } catch (error) {
      console.error(`${(error as Error).message}\n\nusage: r1flow ${USAGE}`);
      return 2;
    }
    const logger = processLogger('sim-llm', flags['log-format']);
    let server: Awaited<ReturnType<typeof startSimLlm>>;
    try {
      server = await startSimLlm({
        host: flags.host,
        port: Number(flags.port),
        // startSimLlm validates the mode and the numbers and names the bad flag.
        mode: flags.mode as SchedulingMode,
        speed: Number(flags.speed),
        maxBatchSequences: Number(flags['max-batch']),
        ...parseReplaySpecs(replays),
        ...(flags.profile === undefined ? {} : { profilePath: flags.profile }),
        ...(flags.model === undefined ? {} : { model: flags.model }),
      });
    } catch (caught) {
      const error = listenError(caught, flags.host ?? '127.0.0.1', Number(flags.port), '--port N');
      console.error(isR1flowError(error) ? `error ${error.code}: ${error.message}` : error);
      return isR1flowError(error) && error.code === 'CONFIG_INVALID' ? 2 : 1;
    }
    const delays =
      flags.profile === undefined ? 'no delays' : `profile ${flags.profile}, speed ${flags.speed}`;
    logger.info(
      `sim-llm listening on ${server.url} (mode ${flags.mode}, ${delays}, models ${server.models.join(', ')})`,
    );
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    logger.info(`${signal} received, closing`);
    await server.close();
    return 0;
  },
});
