import { formatIssues } from '../../../engine/validate-flow.ts';
import { loadNodeRegistry } from '../../runtime/node-plugins.ts';
import { defineCommand } from '../command.ts';
import { loadFlowFile } from '../load-flow-file.ts';
import { parseFlags } from '../options.ts';

const usage = 'validate FLOW.json [--json]';

export default defineCommand({
  name: 'validate',
  summary: 'Check a flow file; exit 1 with every problem found',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' } }, usage);
    const [file] = positionals;
    if (!file) {
      process.stderr.write(`usage: r1flow ${usage}\n`);
      return 2;
    }
    const result = loadFlowFile(file, await loadNodeRegistry());
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify(result.ok ? { ok: true } : { ok: false, issues: result.issues }, null, 2)}\n`,
      );
    } else if (result.ok) {
      process.stdout.write(`${file}: valid (${result.flow.nodes.size} nodes)\n`);
    } else {
      process.stderr.write(`${file}: ${formatIssues(result.issues)}\n`);
    }
    return result.ok ? 0 : 1;
  },
});
