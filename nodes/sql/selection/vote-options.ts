// How `sql.vote` picks among clusters of candidates that returned the same result. The `sql-r1`
// preset is SQL-R1's vote exactly (every option off); `r1flow` is the product default, tuned on
// the Spider dev split with leave-one-database-out cross-validation (docs/vote-selection.md,
// bench/vote-selection.ts). Options never look at which system or position a candidate came
// from, except `sourceWeights`, which a flow sets on purpose and no preset uses.
import { z } from 'zod';
import { R1flowError } from '../../../engine/errors.ts';

export const VOTE_PRESETS = ['sql-r1', 'r1flow'] as const;
export type VotePreset = (typeof VOTE_PRESETS)[number];

/** Orders clusters whose weighted votes are equal, before "first seen" (always last). */
export const VOTE_TIE_BREAKS = ['similarity', 'fewerColumns', 'fewerNulls'] as const;
export type VoteTieBreak = (typeof VOTE_TIE_BREAKS)[number];

const Weight = z.number().min(0).max(1);

export const VoteOptionsSchema = z.object({
  /** Each vote for an empty result counts this much, unless every cluster's result is empty. */
  emptyResultWeight: Weight.describe('Weight of a vote for an empty result (1: SQL-R1)'),
  /** Each vote for a result whose every cell is NULL (e.g. MAX over no rows) counts this much, unless every cluster's is. */
  nullOnlyWeight: Weight.describe('Weight of a vote for an all-NULL result'),
  /** Each vote for a single 0 (e.g. COUNT(*) matching nothing) counts this much, unless every cluster's result is that. */
  zeroCountWeight: Weight.describe('Weight of a vote for a lone 0'),
  /**
   * Whose SQL answers for the winning cluster: 'first' (SQL-R1) or 'typical', the member whose
   * rows in their order and with duplicates are shared by most members (the cluster only
   * compares row sets, EX compares bags and, under ORDER BY, order).
   */
  representative: z.enum(['first', 'typical']).describe('Whose SQL answers for the winning group'),
  /**
   * Tie-breaks between equally weighted clusters, in order: 'similarity' prefers the result
   * closest to the other clusters' (MBR-exec: votes x Jaccard of row sets), 'fewerColumns' and
   * 'fewerNulls' the plainer result. The first-seen cluster wins what is left.
   */
  tieBreak: z.array(z.enum(VOTE_TIE_BREAKS)).describe('Tie-breaks before the first-seen group'),
  /** Weight of a vote per candidate `source` (e.g. a model name); a candidate without one, or with an unlisted one, weighs 1. */
  sourceWeights: z.record(z.string(), z.number().min(0)).describe('Weight of a vote per candidate source'),
});
export type VoteOptions = z.output<typeof VoteOptionsSchema>;

export const PRESET_OPTIONS: Readonly<Record<VotePreset, VoteOptions>> = {
  'sql-r1': {
    emptyResultWeight: 1,
    nullOnlyWeight: 1,
    zeroCountWeight: 1,
    representative: 'first',
    tieBreak: [],
    sourceWeights: {},
  },
  // Chosen by bench/vote-selection.ts on all ten dev databases; its cross-validated gain is in
  // docs/vote-selection.md.
  r1flow: {
    emptyResultWeight: 0.3,
    nullOnlyWeight: 1,
    zeroCountWeight: 0.5,
    representative: 'typical',
    tieBreak: [],
    sourceWeights: {},
  },
};

/** A preset with some options overridden (what the node's params and the CLI give). */
export function resolveVoteOptions(
  preset: VotePreset,
  overrides: { [K in keyof VoteOptions]?: VoteOptions[K] | undefined } = {},
): VoteOptions {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  return { ...PRESET_OPTIONS[preset], ...defined };
}

/** `--preset` of `r1flow vote` and `r1flow eval`. */
export function parseVotePreset(value: string): VotePreset {
  if ((VOTE_PRESETS as readonly string[]).includes(value)) return value as VotePreset;
  throw new R1flowError('BAD_REQUEST', `--preset must be one of ${VOTE_PRESETS.join(', ')}, got "${value}"`);
}
