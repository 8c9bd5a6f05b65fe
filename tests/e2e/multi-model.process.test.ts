// Candidates from several models through `r1flow eval`: the eight recorded systems of spider-dev
// replayed as eight models (one generate node each) give the same answers as the ensemble replayed
// as one model; the example multi-model flow with a judge, against scripted models.
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../engine/store/sqlite-store.ts';
import type { QuestionReport } from '../../eval/runner/score-prediction.ts';
import type { Judged } from '../../nodes/types.ts';
import { type SimLlmOptions, type SimLlmServer, startSimLlm } from '../../sim-llm/start-sim-llm.ts';
import { runEval } from '../eval/support/run-eval.ts';
import { loadQuestions, SPIDER_DEV_DIR, type SpiderQuestion } from '../eval/support/spider-dev.ts';
import { makeTempDir } from '../nodes/schema/spider-files.ts';
import { REPO_ROOT } from '../support/cli.ts';

const ENSEMBLE = join(SPIDER_DEV_DIR, 'replay-ensemble.jsonl');
const EIGHT_SYSTEMS_FLOW = join(SPIDER_DEV_DIR, 'eight-systems.flow.json');
const MULTI_MODEL_FLOW = join(REPO_ROOT, 'examples/flows/nl2sql-multi-model.flow.json');

const temp = makeTempDir('multi-model');
const servers: SimLlmServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  temp.cleanup();
});

async function simLlm(options: SimLlmOptions): Promise<SimLlmServer> {
  const server = await startSimLlm({ port: 0, ...options });
  servers.push(server);
  return server;
}

const readReport = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as QuestionReport[];

/** A dataset dir with some of spider-dev's questions, reading its tables.json and databases. */
function subsetDataset(name: string, questions: SpiderQuestion[]): string {
  const dir = join(temp.dir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'questions.json'), JSON.stringify(questions));
  copyFileSync(join(SPIDER_DEV_DIR, 'tables.json'), join(dir, 'tables.json'));
  symlinkSync(join(SPIDER_DEV_DIR, 'databases'), join(dir, 'databases'));
  return dir;
}

/** The eight-systems flow's generate nodes' models, each served as its column of the ensemble file. */
function eightSystemsSim(): Promise<SimLlmServer> {
  const flow = JSON.parse(readFileSync(EIGHT_SYSTEMS_FLOW, 'utf8')) as {
    nodes: { type: string; params: { model?: string } }[];
  };
  const models = flow.nodes
    .filter((node) => node.type === 'llm.generate@1')
    .map((node) => node.params.model!);
  expect(models).toHaveLength(8);
  return simLlm({ replays: models.map((model, response) => ({ model, path: ENSEMBLE, response })) });
}

describe('eight recorded systems as eight models', () => {
  it('a flow with one generate node per system, combined, votes exactly as the single-model ensemble', async () => {
    const eight = await eightSystemsSim();
    const single = await simLlm({ replayPath: ENSEMBLE });
    // Every tenth question, so all ten databases are asked.
    const dataset = subsetDataset(
      'every-tenth',
      loadQuestions().filter((_, index) => index % 10 === 0),
    );
    const eval8 = join(temp.dir, 'eight.json');
    const eval1 = join(temp.dir, 'single.json');
    const [byModels, byEnsemble] = await Promise.all([
      runEval([
        dataset,
        '--flow',
        EIGHT_SYSTEMS_FLOW,
        '--llm',
        eight.url,
        '--out',
        eval8,
        '--concurrency',
        '4',
      ]),
      runEval([dataset, '--llm', single.url, '--preset', 'sql-r1', '--out', eval1, '--concurrency', '4']),
    ]);
    expect(byModels.code).toBe(0);
    expect(byModels.summary?.errors).toEqual({});
    const answers = (path: string) =>
      readReport(path).map((line) => [line.pred_sql, line.votes, line.confidence]);
    expect(answers(eval8)).toEqual(answers(eval1));
    expect(byModels.exLine).toBe(byEnsemble.exLine);
    // One sample per system and question (runs of one model may share a request).
    expect(eight.metrics().sequences).toBe(8 * 50);
  });

  // 45 to 80 s on a loaded 2-core machine, about as long as the single-model replay of the ensemble.
  it("scores the README's 92.99 (464/499) on the whole dev split", { timeout: 600_000 }, async () => {
    const eight = await eightSystemsSim();
    const result = await runEval([SPIDER_DEV_DIR, '--flow', EIGHT_SYSTEMS_FLOW, '--llm', eight.url]);
    expect(result.code).toBe(0);
    expect(result.exLine).toBe('EX 92.99% (464/499)');
    expect(result.summary).toMatchObject({ questions: 499, correct: 464, errors: {} });
  });
});

/** A model answer in SQL-R1's output format. */
function answer(sql: string): string {
  return `<think>\nScripted for the test.\n</think>\n<answer>\n\`\`\`sql\n${sql}\n\`\`\`\n</answer>`;
}

describe('examples/flows/nl2sql-multi-model.flow.json', () => {
  it('combines two models, votes, asks the judge only on close calls and answers with its pick', async () => {
    const [keep, overrule, clear] = loadQuestions().slice(0, 3) as [
      SpiderQuestion,
      SpiderQuestion,
      SpiderQuestion,
    ];
    const wrong = answer("SELECT 'deliberately wrong' AS answer");
    const gold = (q: SpiderQuestion) => answer(q.gold_sql);
    const replay = (name: string, lines: { question: string; responses: string[] }[]) => {
      const path = join(temp.dir, `${name}.jsonl`);
      writeFileSync(path, lines.map((line) => JSON.stringify(line)).join('\n'));
      return path;
    };
    const sim = await simLlm({
      replays: [
        {
          model: 'sql-r1-7b',
          path: replay('model-a', [
            { question: keep.question, responses: [gold(keep), gold(keep), gold(keep), wrong] },
            { question: overrule.question, responses: [wrong] },
            { question: clear.question, responses: [gold(clear)] },
          ]),
        },
        {
          model: 'qwen2.5-coder-7b',
          path: replay('model-b', [
            { question: keep.question, responses: [gold(keep), wrong, wrong, wrong] },
            { question: overrule.question, responses: [gold(overrule)] },
            { question: clear.question, responses: [gold(clear), gold(clear), gold(clear), wrong] },
          ]),
        },
        // The judge's verdicts; none for the clear question, so asking about it would fail the run.
        {
          model: 'sql-judge',
          path: replay('judge', [
            { question: keep.question, responses: ['Both look plausible; the first is right.\nAnswer: A'] },
            { question: overrule.question, responses: ['Answer: B'] },
          ]),
        },
      ],
    });
    const dataset = subsetDataset('three', [keep, overrule, clear]);
    const out = join(temp.dir, 'multi.json');
    const db = join(temp.dir, 'multi.db');
    const result = await runEval([
      dataset,
      '--flow',
      MULTI_MODEL_FLOW,
      '--llm',
      sim.url,
      '--out',
      out,
      '--db',
      db,
    ]);

    // 4-4 ties: the vote alone takes the first-seen group, right for `keep`, wrong for `overrule`.
    expect(result.exLine).toBe('EX 100.00% (3/3)');
    expect(readReport(out).map((line) => line.pred_sql)).toEqual([
      keep.gold_sql,
      overrule.gold_sql,
      clear.gold_sql,
    ]);
    expect(sim.metrics().unknownQuestions).toBe(0);
    const store = new SqliteStore(db);
    try {
      const verdicts: Record<string, Judged> = {};
      for (const run of await store.listRuns()) {
        const stored = await store.getRun(run.id);
        const judge = stored?.nodes.find((node) => node.nodeId === 'judge');
        const question = (run.input as { question: string }).question;
        verdicts[question] = (judge?.output as { judged: Judged } | undefined)?.judged as Judged;
      }
      expect(verdicts[keep.question]).toMatchObject({ asked: true, choice: 'A' });
      expect(verdicts[overrule.question]).toMatchObject({ asked: true, choice: 'B', raw: 'Answer: B' });
      expect(verdicts[clear.question]).toEqual({
        asked: false,
        choice: null,
        reason: 'clear majority: 7 votes against 1 (closeMargin 1)',
        raw: null,
      });
    } finally {
      await store.close();
    }
  });
});
