import { createRuntime } from '../../runtime/local-runtime.ts';
import { defineCommand } from '../command.ts';
import { dbFlag, dbPath, parseFlags } from '../options.ts';

const usage = 'start [--db PATH]';

export default defineCommand({
  name: 'start',
  summary: 'Start r1flow: resume unfinished runs and keep driving runs until stopped',
  usage,
  async run(argv) {
    const { values } = parseFlags(argv, { ...dbFlag }, usage);
    const runtime = await createRuntime({ dbPath: dbPath(values.db) });
    const { resumed } = await runtime.orchestrator.start();
    process.stderr.write(
      `r1flow started (store ${runtime.store.path}); resumed ${resumed.length} unfinished run(s)\n`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    process.stderr.write('r1flow stopping\n');
    await runtime.close();
    return 0;
  },
});
