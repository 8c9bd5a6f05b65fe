// sql.judge: sits between sql.vote and output.answer. When the vote's top two clusters are close
// (the runner-up has at least the leader's votes minus `closeMargin`), it shows a model the
// question, the schema and both candidates (SQL and their first rows) and takes its pick; a clear
// majority passes through without a model call. A reply without a clear "Answer: A|B" keeps the
// vote's winner and says why. A is always the vote's winner, B the runner-up: a model that prefers
// the first option it reads favours the vote, which is the safe side.
import { z } from 'zod';
import { defineNode, type NodeContext } from '../../engine/define-node.ts';
import { BooleanValue, NumberValue, optional, Text } from '../../engine/ports.ts';
import { GenerateParamsSchema, ONE_MODEL_SERVER } from '../llm/generate-params.ts';
import { getModelClient, resolveModelServerConfig } from '../llm/model-client-resource.ts';
import { chargeModelCall, modelClock } from '../llm/model-cost.ts';
import { modelServerOfConnection } from '../llm/model-server-connection.ts';
import type { ExecutedCandidate, Judged, VoteCluster } from '../types.ts';
import {
  ExecutionResultsPort,
  JudgedPort,
  Probability,
  RowsPort,
  SchemaContextPort,
  SqlText,
  VoteClustersPort,
} from '../types.ts';
import { clusterRepresentative, clusterStats, rowsOf } from './cluster-answer.ts';
import { buildJudgePrompt, type JudgeCandidate, parseJudgeAnswer } from './judge-prompt.ts';

const { connection, baseUrl, model, requestTimeoutMs } = GenerateParamsSchema.shape;

const JudgeParamsSchema = z
  .object({
    connection,
    baseUrl,
    model,
    requestTimeoutMs,
    closeMargin: z
      .number()
      .int()
      .min(0)
      .default(1)
      .describe('Ask when the runner-up has at least the winner’s votes minus this many'),
    previewRows: z
      .number()
      .int()
      .min(0)
      .max(50)
      .default(5)
      .describe('Rows of each result shown to the judge'),
    temperature: z.number().min(0).max(2).default(0).describe('Sampling temperature of the judge'),
    maxTokens: z.number().int().min(1).max(32_768).default(1024).describe('Most tokens the judge may write'),
  })
  .strict()
  .refine(...ONE_MODEL_SERVER);

type JudgeParams = z.output<typeof JudgeParamsSchema>;

/** Why the judge is not needed, or undefined when the top two clusters are close. */
function noNeedToAsk(clusters: readonly VoteCluster[], closeMargin: number): string | undefined {
  const [leader, runnerUp] = clusters;
  if (leader === undefined || runnerUp === undefined) return 'only one result group: nothing to compare';
  if (runnerUp.votes < leader.votes - closeMargin) {
    return `clear majority: ${leader.votes} votes against ${runnerUp.votes} (closeMargin ${closeMargin})`;
  }
  return undefined;
}

function judgeCandidate(cluster: VoteCluster, candidates: readonly ExecutedCandidate[]): JudgeCandidate {
  const representative = clusterRepresentative(cluster, candidates);
  return {
    sql: cluster.sql,
    votes: cluster.votes,
    columns: representative?.columns ?? [],
    rows: representative?.rows ?? [],
    rowCount: cluster.rowCount,
  };
}

async function askJudge(ctx: NodeContext, params: JudgeParams, prompt: string): Promise<string> {
  const client = await getModelClient(ctx, {
    ...resolveModelServerConfig(ctx, params),
    ...(params.connection === undefined ? {} : await modelServerOfConnection(ctx, params.connection)),
    timeoutMs: params.requestTimeoutMs,
  });
  const clock = modelClock();
  const { samples, usage } = await client.chat([{ role: 'user', content: prompt }], {
    n: 1,
    temperature: params.temperature,
    maxTokens: params.maxTokens,
    signal: ctx.signal,
  });
  chargeModelCall(ctx, usage, clock());
  return samples[0]?.text ?? '';
}

export default defineNode({
  type: 'sql.judge',
  version: 1,
  title: 'Judge a close vote',
  family: 'sql',
  lane: 'llm',
  description:
    'When the vote’s top two result groups are close, asks a model to compare them (SQL and first rows) and answers with its pick; a clear majority passes through without a model call.',
  params: JudgeParamsSchema,
  inputs: {
    question: Text,
    schema: optional(SchemaContextPort),
    results: ExecutionResultsPort,
    clusters: VoteClustersPort,
    abstained: optional(BooleanValue),
    reason: optional(Text),
  },
  outputs: {
    sql: optional(SqlText),
    rows: optional(RowsPort),
    confidence: Probability,
    /** Best first after judging: the pick, then the other of the two, then the rest in the vote's order. */
    clusters: VoteClustersPort,
    abstained: BooleanValue,
    reason: optional(Text),
    share: Probability,
    margin: NumberValue,
    valid: NumberValue,
    clusterCount: NumberValue,
    judged: JudgedPort,
  },
  async run({ params, inputs, ctx }) {
    const candidates = inputs.results.candidates;
    const { clusters } = inputs;
    const answer = (ordered: readonly VoteCluster[], judged: Judged) => ({
      ...clusterStats(ordered, candidates.length),
      sql: ordered[0]!.sql,
      rows: rowsOf(ordered[0]!, candidates),
      abstained: false,
      judged,
    });
    if (inputs.abstained === true || clusters.length === 0) {
      const reason = inputs.reason ?? 'the vote abstained';
      return {
        ...clusterStats(clusters, candidates.length),
        abstained: true,
        reason,
        judged: { asked: false, choice: null, reason: `nothing to judge: ${reason}`, raw: null },
      };
    }
    const skip = noNeedToAsk(clusters, params.closeMargin);
    if (skip !== undefined) return answer(clusters, { asked: false, choice: null, reason: skip, raw: null });

    const [leader, runnerUp, ...rest] = clusters as [VoteCluster, VoteCluster, ...VoteCluster[]];
    const prompt = buildJudgePrompt({
      question: inputs.question,
      schema: inputs.schema?.ddl,
      a: judgeCandidate(leader, candidates),
      b: judgeCandidate(runnerUp, candidates),
      previewRows: params.previewRows,
    });
    ctx.progress({ message: `asking the judge: ${leader.votes} votes against ${runnerUp.votes}` });
    const raw = await askJudge(ctx, params, prompt);
    const verdict = parseJudgeAnswer(raw);
    if ('problem' in verdict) {
      const reason = `${verdict.problem}; kept the vote's winner`;
      ctx.logger.warn(`sql.judge: ${reason}`, { reply: raw.slice(0, 500) });
      return answer(clusters, { asked: true, choice: null, reason, raw });
    }
    const close = `${leader.votes} votes against ${runnerUp.votes}`;
    if (verdict.choice === 'A') {
      return answer(clusters, {
        asked: true,
        choice: 'A',
        reason: `${close}: the judge kept the vote's winner`,
        raw,
      });
    }
    return answer([runnerUp, leader, ...rest], {
      asked: true,
      choice: 'B',
      reason: `${close}: the judge picked the runner-up`,
      raw,
    });
  },
});
