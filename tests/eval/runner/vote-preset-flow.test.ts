import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '../../../engine/flow-schema.ts';
import { withVotePreset } from '../../../eval/runner/flow-predictor.ts';

const example = JSON.parse(readFileSync('examples/flows/nl2sql.flow.json', 'utf8')) as FlowDocument;
const presetOf = (flow: FlowDocument, id: string) =>
  flow.nodes.find((node) => node.id === id)?.params?.preset;

describe('--preset on a flow', () => {
  it('the example flow corrects and votes with r1flow; sql-r1 turns correction off and votes as SQL-R1', () => {
    expect([presetOf(example, 'correct'), presetOf(example, 'vote')]).toEqual(['r1flow', 'r1flow']);
    const sqlR1 = withVotePreset(example, 'sql-r1');
    expect([presetOf(sqlR1, 'correct'), presetOf(sqlR1, 'vote')]).toEqual(['sql-r1', 'sql-r1']);
    expect(presetOf(sqlR1, 'generate')).toBeUndefined();
    expect(presetOf(sqlR1, 'correct')).not.toBe(presetOf(example, 'correct'));
  });

  it('refuses a flow without sql.vote', () => {
    const withoutVote = { ...example, nodes: example.nodes.filter((node) => node.id !== 'vote') };
    expect(() => withVotePreset(withoutVote, 'sql-r1')).toThrow(/no sql.vote node/);
  });
});
