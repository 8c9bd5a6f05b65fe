// The audit log: a page of entries (newest first) by filter, and the CSV download's URL.
import type { AuditEntry, AuditKind, AuditOutcome } from '../../../engine/store/audit-records.ts';
import { apiRequest } from './http-client.ts';

export interface AuditQuery {
  kind?: AuditKind | '';
  outcome?: AuditOutcome | '';
  actor?: string;
  run?: string;
  /** ISO dates (yyyy-mm-dd) or instants, as the API takes them. */
  since?: string;
  until?: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass back as `before` for the next (older) page; null on the last. */
  nextBefore: number | null;
}

export function auditSearch(query: AuditQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    const text = typeof value === 'string' ? value.trim() : '';
    if (text !== '') params.set(name, text);
  }
  return params;
}

export async function listAudit(query: AuditQuery, before?: number): Promise<AuditPage> {
  const params = auditSearch(query);
  if (before !== undefined) params.set('before', String(before));
  return apiRequest<AuditPage>('GET', `/api/audit?${params}`);
}

export function auditCsvUrl(query: AuditQuery): string {
  return `/api/audit.csv?${auditSearch(query)}`;
}
