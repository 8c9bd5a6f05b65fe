// The shapes the HTTP API answers with (server/http/routes/*.ts). Store records and catalog entries
// are the engine's own types, imported as types only: nothing of the engine runs in the browser.
import type { ConnectionKind } from '../../../engine/connections.ts';
import type { SerializedError } from '../../../engine/errors.ts';
import type { FlowDocument } from '../../../engine/flow-schema.ts';
import type { CatalogEntry, CatalogPort } from '../../../engine/registry.ts';
import type { ConnectionTestResult } from '../../../engine/store/connection-records.ts';
import type {
  FlowSummary,
  FlowVersion,
  NodeAttemptRecord,
  NodeRunRecord,
  RunEvent,
  RunRecord,
} from '../../../engine/store/records.ts';
import type { FlowIssue } from '../../../engine/validate-flow.ts';

export type {
  CatalogEntry,
  CatalogPort,
  ConnectionKind,
  ConnectionTestResult,
  FlowDocument,
  FlowIssue,
  FlowSummary,
  FlowVersion,
  NodeAttemptRecord,
  NodeRunRecord,
  RunEvent,
  RunRecord,
  SerializedError,
};

export interface NodePorts {
  inputs: CatalogPort[];
  outputs: CatalogPort[];
}

export interface ValidationResult {
  ok: boolean;
  issues: FlowIssue[];
  ports: Record<string, NodePorts>;
}

export type VersionSummary = Omit<FlowVersion, 'document'>;

export interface FlowWithVersion {
  flow: FlowSummary;
  /** The latest version; null while the flow has only a draft. */
  version: FlowVersion | null;
  draft: { document: FlowDocument } | null;
  /** The draft (or latest version) differs from the published version. */
  unpublishedChanges: boolean;
}

export interface SavedDraft {
  flow: FlowSummary;
  unpublishedChanges: boolean;
  issues: FlowIssue[];
}

export interface GateFailure {
  number: number;
  question: string;
  outcome: string;
  predictedSql: string;
  error?: { code: string; message: string };
}

export interface GateReport {
  correct: number;
  total: number;
  executionAccuracy: number;
  minExecutionAccuracy: number;
  passed: boolean;
  failures: GateFailure[];
}

export interface PublishOutcome {
  flow: FlowSummary;
  version: FlowVersion;
  /** False when the document is the published version already. */
  published: boolean;
  gate: GateReport | null;
}

export interface RunDetails {
  run: RunRecord;
  nodes: NodeRunRecord[];
  attempts: NodeAttemptRecord[];
}

interface TriggerBase {
  id: string;
  nodeId: string;
  enabled: boolean;
  flowVersion: number;
}

export interface WebhookTriggerView extends TriggerBase {
  kind: 'webhook';
  url: string;
  auth: 'hmac' | 'token';
  responseMode: 'async' | 'sync';
  secret: string | null;
  curl: string;
}

export interface ScheduleTriggerView extends TriggerBase {
  kind: 'schedule';
  cron: string;
  timezone: string;
  missedTicks: string;
  lastFireAt: number | null;
  nextFireTimes: string[];
  /** The latest ticks, newest first: each started a run or was missed. */
  recentFires: { at: string; status: 'started' | 'missed'; runId: string | null }[];
}

export type TriggerView = WebhookTriggerView | ScheduleTriggerView;

export interface SessionState {
  keyRequired: boolean;
  signedIn: boolean;
  /** Who is signed in: their role on the server (admin: every project) and in each project. */
  user: { name: string; role: string; projects?: Record<string, string> } | null;
}

/** A named connection as /api/connections lists it: never its URL. */
export interface ConnectionView {
  name: string;
  kind: ConnectionKind;
  /** The address without password or query. */
  address: string;
  createdAt: number;
  updatedAt: number;
  lastTest: ConnectionTestResult | null;
}
