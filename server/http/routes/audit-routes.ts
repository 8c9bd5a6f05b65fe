// /api/audit: the audit log, newest first, filtered and paged, as JSON or as CSV for a
// spreadsheet (formula cells defused, as the answer download does). Administrators only:
// the route permission table gives `audit.read` to the admin role alone.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AUDIT_KINDS,
  AUDIT_OUTCOMES,
  type AuditEntry,
  type AuditFilter,
} from '../../../engine/store/audit-records.ts';
import { answerToCsv } from '../answer-csv.ts';
import type { RouteTable } from '../route.ts';
import type { ServerContext } from '../server-context.ts';

/** An instant as epoch milliseconds or an ISO 8601 date/time. */
const InstantSchema = z
  .string()
  .min(1)
  .transform((text, check) => {
    const at = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
    if (Number.isFinite(at)) return at;
    check.addIssue({
      code: 'custom',
      message: 'use epoch milliseconds or an ISO date like 2026-01-31T12:00:00Z',
    });
    return z.NEVER;
  });

const FilterQuery = z.object({
  kind: z.enum(AUDIT_KINDS).optional(),
  actor: z.string().min(1).max(200).optional(),
  run: z.string().min(1).max(64).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  since: InstantSchema.optional(),
  until: InstantSchema.optional(),
  /** The `nextBefore` of the previous page. */
  before: z.coerce.number().int().min(1).optional(),
});

const PAGE_MAX = 500;
const CSV_MAX = 10_000;

export function registerAuditRoutes(app: FastifyInstance, routes: RouteTable, context: ServerContext): void {
  const { store } = context.runtime;

  routes.add(app, {
    method: 'GET',
    url: '/api/audit',
    tag: 'audit',
    summary:
      'The audit log, newest first: executed SQL and changes to flows, triggers, keys and connections; filter by kind, actor id, run, outcome and time; page with `before`',
    query: FilterQuery.extend({ limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(100) }),
    handler: async ({ query }) => {
      const entries = await store.audit.list(filterOf(query, query.limit));
      const full = entries.length === query.limit;
      return { entries, nextBefore: full ? (entries.at(-1)?.seq ?? null) : null };
    },
  });

  routes.add(app, {
    method: 'GET',
    url: '/api/audit.csv',
    tag: 'audit',
    summary: `The audit log as CSV with the same filters (newest first, at most ${CSV_MAX} entries a download)`,
    query: FilterQuery.extend({ limit: z.coerce.number().int().min(1).max(CSV_MAX).default(CSV_MAX) }),
    responses: { 200: 'text/csv' },
    handler: async ({ query }, _request, reply) => {
      const entries = await store.audit.list(filterOf(query, query.limit));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="r1flow-audit.csv"')
        .send(answerToCsv({ columns: CSV_COLUMNS, rows: entries.map(csvRow) }));
    },
  });
}

function filterOf(query: z.output<typeof FilterQuery>, limit: number): AuditFilter {
  return {
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.actor ? { actor: query.actor } : {}),
    ...(query.run ? { runId: query.run } : {}),
    ...(query.outcome ? { outcome: query.outcome } : {}),
    ...(query.since === undefined ? {} : { since: query.since }),
    ...(query.until === undefined ? {} : { until: query.until }),
    ...(query.before === undefined ? {} : { beforeSeq: query.before }),
    limit,
  };
}

const CSV_COLUMNS = [
  'seq',
  'at',
  'kind',
  'actor_kind',
  'actor_id',
  'actor_name',
  'outcome',
  'reason',
  'run_id',
  'node_id',
  'target',
  'attempt',
  'candidates',
  'warehouse',
  'dialect',
  'sql',
  'duration_ms',
  'rows',
  'detail',
];

function csvRow(entry: AuditEntry): (string | number | null)[] {
  const sql = entry.sql;
  return [
    entry.seq,
    new Date(entry.at).toISOString(),
    entry.kind,
    entry.actor?.kind ?? null,
    entry.actor?.id ?? null,
    entry.actor?.name ?? null,
    entry.outcome,
    entry.reason,
    entry.runId,
    entry.nodeId,
    entry.target,
    sql?.attempt ?? null,
    sql ? sql.candidates.join(' ') : null,
    sql?.warehouse ?? null,
    sql?.dialect ?? null,
    sql?.sql ?? null,
    sql ? Math.round(sql.durationMs * 10) / 10 : null,
    sql?.rows ?? null,
    entry.detail ? JSON.stringify(entry.detail) : null,
  ];
}
