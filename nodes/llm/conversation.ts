// A follow-up question in chat style: the thread's earlier turns become user and assistant
// messages before the new prompt. An earlier question goes in as its bare text (the schema and
// instructions are in the new prompt already), its SQL as an answer in SQL-R1's output format.
import type { ChatMessage } from '../../engine/model-client.ts';
import { latestTurns, type ThreadTurn } from '../../engine/thread-turns.ts';

/** The most characters of earlier questions and SQL a prompt carries; older turns go first. */
export const HISTORY_PROMPT_CHARS = 6000;

/** The messages that come before the new prompt: none without history, so the prompt stays SQL-R1's. */
export function earlierTurnMessages(
  history: readonly ThreadTurn[] | undefined,
  maxTurns: number,
): ChatMessage[] {
  return latestTurns(history ?? [], maxTurns, HISTORY_PROMPT_CHARS).flatMap((turn): ChatMessage[] => [
    { role: 'user', content: turn.question },
    { role: 'assistant', content: answerText(turn.sql) },
  ]);
}

/** The SQL as SQL-R1 answers: the query in a ```sql block inside <answer> tags. */
export function answerText(sql: string): string {
  return `<answer>\n\`\`\`sql\n${sql.trim()}\n\`\`\`\n</answer>`;
}
