// What the HTTP routes work with: the runtime (store, registry, orchestrator, transport) plus the
// server's own services (API keys, triggers, schedules) and options.

import type { AuditTrail } from '../audit/audit-trail.ts';
import type { ApiKeys } from '../auth/api-keys.ts';
import type { ReplayGuard } from '../auth/replay-guard.ts';
import type { UserDirectory } from '../auth/users.ts';
import type { Runtime } from '../runtime/local-runtime.ts';
import type { RateLimits } from '../triggers/rate-limits.ts';
import type { TriggerStore } from '../triggers/trigger-store.ts';

export interface ServerOptions {
  /** Require an API key on /api even on loopback. Beyond loopback it is always required. */
  requireKey: boolean;
  /**
   * Base URL users reach the server at (for webhook URLs shown in the API and editor). Its host is
   * also accepted by the open API's Host check; with https the session cookie is Secure.
   */
  publicUrl: string;
  /** Folder of the built editor; served at `/` when it exists. */
  editorDir?: string;
  version: string;
  /**
   * Questions the model server is known to answer (the demo replay's, while the simulated server
   * answers from it); the editor's Run tab suggests them for flows that take a `question`.
   */
  suggestedQuestions?: readonly string[];
}

export interface ServerContext {
  runtime: Runtime;
  apiKeys: ApiKeys;
  users: UserDirectory;
  /** The audit log of operations on flows, triggers, keys and connections. */
  audit: AuditTrail;
  triggers: TriggerStore;
  /** Accepted webhook signatures, refused when sent again inside the replay window. */
  replayGuard: ReplayGuard;
  /** Webhook rate limits: this process's buckets, or Redis's in queue mode (shared by all servers). */
  rateLimits: RateLimits;
  serverKey: Buffer;
  options: ServerOptions;
  /** Called after a flow's triggers changed (saved, deleted, enabled): schedules re-arm. */
  onTriggersChanged(): void;
  /** Extra health facts (queue mode adds Redis). */
  health(): Promise<Record<string, unknown>>;
}
