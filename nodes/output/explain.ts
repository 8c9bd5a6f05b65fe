// A short explanation from a model's reasoning: its first sentences, whole, up to a length.
// Reasoning models think aloud; the opening usually states the plan ("We need the customers...").

export function explainFromReasoning(reasoning: string, maxChars: number): string {
  const text = reasoning.replace(/\s+/g, ' ').trim();
  if (text.length <= maxChars) return text;
  const sentences = text.match(/[^.!?]+[.!?]+(\s|$)/g) ?? [];
  let out = '';
  for (const sentence of sentences) {
    if ((out + sentence).trim().length > maxChars) break;
    out += sentence;
  }
  return out.trim() || `${text.slice(0, Math.max(0, maxChars - 1)).trimEnd()}…`;
}
