// What a generation request asks: the text holding SQL-R1's `Question:` section, and the user
// questions asked before it in the same conversation (a follow-up's thread), oldest first.
import { findPromptQuestion } from '../nodes/llm/sql-r1-prompt.ts';

export interface AskedQuestion {
  /** The prompt (or last user message) whose question section is looked up. */
  prompt: string;
  /** Earlier user questions: bare text, or the question section of an earlier full prompt. */
  earlier: string[];
}

const CHATML_USER_TURN = /<\|im_start\|>user\n([\s\S]*?)<\|im_end\|>/g;

/** A raw `/v1/completions` prompt: in ChatML, its last user turn asks and the ones before it came earlier. */
export function askedInCompletion(prompt: string): AskedQuestion {
  const userTurns = [...prompt.matchAll(CHATML_USER_TURN)].map((match) => match[1] ?? '');
  if (userTurns.length === 0) return { prompt, earlier: [] };
  return askedInChat(userTurns);
}

/** A chat request: the last user message is the prompt, the ones before it the earlier questions. */
export function askedInChat(userMessages: readonly string[]): AskedQuestion {
  return { prompt: userMessages.at(-1) ?? '', earlier: userMessages.slice(0, -1).map(questionOf) };
}

function questionOf(message: string): string {
  return findPromptQuestion(message) ?? message.trim();
}
