// `r1flow eval` through the NL2SQL flow (examples/flows/nl2sql.flow.json) and the engine, with
// sim-llm started in this process on port 0 playing back model answers.
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import type { QuestionReport } from '../../eval/runner/score-prediction.ts';
import { type SimLlmServer, startSimLlm } from '../../sim-llm/start-sim-llm.ts';
import { runEval } from '../eval/support/run-eval.ts';
import { loadQuestions, SPIDER_DEV_DIR } from '../eval/support/spider-dev.ts';
import { makeTempDir } from '../nodes/schema/spider-files.ts';
import { closedPortUrl } from './support/closed-port-url.ts';

const temp = makeTempDir('spider-eval');
const servers: SimLlmServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  temp.cleanup();
});

async function simLlm(replayPath: string): Promise<string> {
  const server = await startSimLlm({ port: 0, replayPath });
  servers.push(server);
  return server.url;
}

const readReport = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as QuestionReport[];

describe('r1flow eval through the NL2SQL flow on spider-dev', () => {
  let ensembleUrl: string;
  beforeAll(async () => {
    ensembleUrl = await simLlm(join(SPIDER_DEV_DIR, 'replay-ensemble.jsonl'));
  });

  it("reproduces the README's self-consistency vote over the eight recorded systems: 92.99 (464/499)", async () => {
    const out = join(temp.dir, 'ensemble.json');
    const db = join(temp.dir, 'ensemble.db');
    const result = await runEval([
      SPIDER_DEV_DIR,
      '--llm',
      ensembleUrl,
      '--preset',
      'sql-r1',
      '--out',
      out,
      '--db',
      db,
    ]);

    expect(result.stderr).not.toContain('error');
    expect(result.code).toBe(0);
    expect(result.exLine).toBe('EX 92.99% (464/499)');
    expect(result.summary).toMatchObject({ questions: 499, correct: 464, errors: {} });
    const report = readReport(out);
    expect(report.every((line) => line.run_id && line.votes && line.confidence)).toBe(true);
    const store = new SqliteStore(db);
    try {
      expect(await store.countRunsByStatus()).toEqual({ succeeded: 499 });
    } finally {
      await store.close();
    }
  });

  it('with three identical wrong answers first and five gold ones after, the vote picks the majority: 100%', async () => {
    // Every tenth question, so all ten databases are asked.
    const subset = loadQuestions().filter((_, index) => index % 10 === 0);
    const dataset = join(temp.dir, 'subset');
    makeSubsetDataset(dataset, subset);
    const wrong = answer("SELECT 'deliberately wrong' AS answer");
    const replay = subset.map((q) => ({
      db_id: q.db_id,
      question: q.question,
      responses: [wrong, wrong, wrong, ...Array<string>(5).fill(answer(q.gold_sql))],
    }));
    const replayPath = join(temp.dir, 'gold-and-wrong.jsonl');
    writeFileSync(replayPath, replay.map((line) => JSON.stringify(line)).join('\n'));
    const out = join(temp.dir, 'majority.json');

    // SQL-R1's plain majority: the r1flow preset would let the three agreeing wrong rows beat
    // five gold answers that are empty or a lone 0 (docs/vote-selection.md).
    const result = await runEval([
      dataset,
      '--llm',
      await simLlm(replayPath),
      '--preset',
      'sql-r1',
      '--out',
      out,
      '--concurrency',
      '4',
    ]);

    expect(result.exLine).toBe(`EX 100.00% (${subset.length}/${subset.length})`);
    const report = readReport(out);
    expect(report.map((line) => line.pred_sql)).toEqual(subset.map((q) => q.gold_sql));
    expect(report.every((line) => line.votes === 5 && line.confidence === 0.625)).toBe(true);
  });

  it('with the model server down every question fails at the generate node with LLM_UNREACHABLE', async () => {
    const out = join(temp.dir, 'down.json');
    const result = await runEval([
      SPIDER_DEV_DIR,
      '--llm',
      await closedPortUrl(),
      '--limit',
      '2',
      '--out',
      out,
    ]);

    expect(result.code).toBe(0);
    expect(result.exLine).toBe('EX 0.00% (0/2)');
    expect(result.summary?.errors).toEqual({ LLM_UNREACHABLE: 2 });
    for (const line of readReport(out)) {
      expect(line).toMatchObject({
        correct: false,
        pred_sql: '',
        error: { code: 'LLM_UNREACHABLE', nodeId: 'generate' },
      });
      expect(line.run_id).toBeDefined();
    }
  });
});

/** A model answer in SQL-R1's output format. */
function answer(sql: string): string {
  return `<think>\nScripted for the test.\n</think>\n<answer>\n\`\`\`sql\n${sql}\n\`\`\`\n</answer>`;
}

/** A dataset dir with some of spider-dev's questions, reading its tables.json and databases. */
function makeSubsetDataset(dir: string, questions: ReturnType<typeof loadQuestions>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'questions.json'), JSON.stringify(questions));
  copyFileSync(join(SPIDER_DEV_DIR, 'tables.json'), join(dir, 'tables.json'));
  symlinkSync(join(SPIDER_DEV_DIR, 'databases'), join(dir, 'databases'));
}
