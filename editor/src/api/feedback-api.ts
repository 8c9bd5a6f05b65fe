// Feedback on answers, its review, and the verified examples accepted feedback becomes.
import { apiRequest } from './http-client.ts';

export type Rating = 'up' | 'down';
export type ReviewState = 'pending' | 'accepted' | 'rejected';

export interface FeedbackItem {
  id: string;
  runId: string;
  rating: Rating;
  question: string;
  chosenSql: string | null;
  correctedSql: string | null;
  comment: string | null;
  warehouse: string | null;
  state: ReviewState;
  createdAt: number;
}

export interface VerifiedExample {
  id: string;
  warehouse: string;
  question: string;
  sql: string;
  verifiedAt: number;
}

export async function sendFeedback(
  runId: string,
  feedback: { rating: Rating; sql?: string; comment?: string },
): Promise<FeedbackItem> {
  const path = `/api/runs/${encodeURIComponent(runId)}/feedback`;
  return (await apiRequest<{ feedback: FeedbackItem }>('POST', path, feedback)).feedback;
}

export async function listFeedback(state: ReviewState): Promise<FeedbackItem[]> {
  return (await apiRequest<{ feedback: FeedbackItem[] }>('GET', `/api/feedback?state=${state}`)).feedback;
}

export async function reviewFeedback(id: string, accept: boolean): Promise<void> {
  await apiRequest('POST', `/api/feedback/${encodeURIComponent(id)}/review`, { accept });
}

export async function listExamples(): Promise<VerifiedExample[]> {
  return (await apiRequest<{ examples: VerifiedExample[] }>('GET', '/api/examples')).examples;
}

export async function deleteExample(id: string): Promise<void> {
  await apiRequest('DELETE', `/api/examples/${encodeURIComponent(id)}`);
}
