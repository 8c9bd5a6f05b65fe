import { readFileSync } from 'node:fs';
import { settingsFrom } from '../../../engine/host-settings.ts';
import { saveFlowIfChanged } from '../../../engine/save-flow.ts';
import type { RunEvent } from '../../../engine/store/records.ts';
import type { StoredRun } from '../../../engine/store/store.ts';
import { formatIssues } from '../../../engine/validate-flow.ts';
import { WAREHOUSE_ENV } from '../../../nodes/warehouse/resolve-warehouse.ts';
import { ensureWarehouse } from '../../demo/demo-defaults.ts';
import { createRuntime } from '../../runtime/local-runtime.ts';
import { loadNodeRegistry } from '../../runtime/node-plugins.ts';
import { defineCommand } from '../command.ts';
import { loadFlowFile } from '../load-flow-file.ts';
import { parseFlags, parseIntegerFlag, parseJsonFlag, storeFlags, storeLocation } from '../options.ts';
import { createProgressPrinter } from '../run-progress.ts';

const usage =
  'run FLOW.json [--input JSON | --input-file FILE] [--thread ID | --follow-up-of RUN_ID] [--store PATH|URL] [--timeout-ms N] [--quiet]';

export default defineCommand({
  name: 'run',
  summary: 'Run a flow once: live progress on stderr, the output JSON on stdout',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        ...storeFlags,
        input: { type: 'string' },
        'input-file': { type: 'string' },
        'timeout-ms': { type: 'string' },
        thread: { type: 'string' },
        'follow-up-of': { type: 'string' },
        quiet: { type: 'boolean' },
      },
      usage,
    );
    const [file] = positionals;
    if (!file) {
      process.stderr.write(`usage: r1flow ${usage}\n`);
      return 2;
    }
    const loaded = loadFlowFile(file, await loadNodeRegistry());
    if (!loaded.ok) {
      process.stderr.write(`${file}: ${formatIssues(loaded.issues)}\n`);
      return 1;
    }
    const input =
      values['input-file'] !== undefined
        ? parseJsonFlag(readFileSync(values['input-file'], 'utf8'), 'input-file')
        : values.input !== undefined
          ? parseJsonFlag(values.input, 'input')
          : {};
    const timeoutMs = parseIntegerFlag(values['timeout-ms'], 'timeout-ms', 0);
    const overrides: Record<string, string> = {};
    const settings = settingsFrom(process.env, overrides);
    // The NL2SQL nodes default to the demo warehouse; build it on first use.
    if (loaded.flow.document.nodes.some((node) => node.type.startsWith('schema.'))) {
      overrides[WAREHOUSE_ENV] = ensureWarehouse(settings);
    }
    const runtime = await createRuntime({
      storeLocation: storeLocation(values),
      adoptOrphans: false,
      settings,
    });
    try {
      await runtime.orchestrator.start();
      const saved = await saveFlowIfChanged(runtime.store, loaded.flow.document);
      // Subscribe before the run exists so no event is missed; events wait until its id is known.
      let progress: ReturnType<typeof createProgressPrinter> | undefined;
      const early: RunEvent[] = [];
      const stop = runtime.orchestrator.onEvents((events) => {
        if (progress) progress.onEvents(events);
        else early.push(...events);
      });
      const run = await runtime.orchestrator.startRun({
        flowId: saved.flowId,
        version: saved.version,
        input,
        trigger: { kind: 'manual', detail: { source: 'cli' } },
        startedBy: { kind: 'system', id: null, name: 'cli' },
        ...(values.thread === undefined ? {} : { threadId: values.thread }),
        ...(values['follow-up-of'] === undefined ? {} : { followUpOf: values['follow-up-of'] }),
      });
      if (!values.quiet) {
        progress = createProgressPrinter(run.id, loaded.flow.order, process.stderr);
        progress.onEvents(early);
      }
      const onSignal = () => void runtime.orchestrator.cancelRun(run.id).catch(() => {});
      process.once('SIGINT', onSignal);
      const { run: finished, timedOut } = await runtime.orchestrator.waitForRun(
        run.id,
        timeoutMs > 0 ? timeoutMs : Number.POSITIVE_INFINITY,
      );
      process.off('SIGINT', onSignal);
      stop();
      progress?.finish();
      if (timedOut) {
        await runtime.orchestrator.cancelRun(run.id).catch(() => {});
        process.stderr.write(`run ${run.id} did not finish within ${timeoutMs} ms; cancelled\n`);
        return 1;
      }
      if (finished.status === 'succeeded') {
        process.stdout.write(`${JSON.stringify(finished.output, null, 2)}\n`);
        return 0;
      }
      const stored = await runtime.store.getRun(run.id);
      process.stderr.write(
        `run ${run.id} ${finished.status}${failureText(stored, progress !== undefined)}\n`,
      );
      return 1;
    } finally {
      await runtime.close();
    }
  },
});

/**
 * Why a run ended, said once: a run failed by a node names the node and that node's own error;
 * when progress was shown, the node's line above already holds the message, so only its code is
 * repeated here.
 */
function failureText(stored: StoredRun | null, progressShown: boolean): string {
  const error = stored?.run.error;
  if (!error) return '';
  const nodeError = stored.nodes.find((node) => node.nodeId === error.nodeId)?.error;
  if (error.nodeId === undefined || !nodeError) return `: ${error.code}: ${error.message}`;
  return progressShown
    ? ` at node "${error.nodeId}" (${nodeError.code}; its error is above)`
    : ` at node "${error.nodeId}": ${nodeError.code}: ${nodeError.message}`;
}
