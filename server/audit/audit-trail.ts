// How the server and the CLI write the audit log: one entry per operation on flows, triggers,
// keys and connections, with the actor who asked, what it acted on, and how it ended. `around`
// records a failed attempt too (with its error code and message), then lets the error through.
// Details are chosen by the caller and never hold a secret: a connection's kind, never its URL;
// a rotated secret's trigger, never the secret.
import { serializeError } from '../../engine/errors.ts';
import type { AuditActor, AuditKind, AuditOutcome, AuditRecords } from '../../engine/store/audit-records.ts';

export interface AuditedOperation {
  kind: AuditKind;
  actor: AuditActor | null;
  /** What it acted on: a flow id, key id, connection name or trigger id. */
  target: string | null;
  detail?: Record<string, unknown>;
}

export class AuditTrail {
  readonly #records: AuditRecords;

  constructor(records: AuditRecords) {
    this.#records = records;
  }

  async record(
    operation: AuditedOperation & { outcome?: AuditOutcome; reason?: string | null },
  ): Promise<void> {
    await this.#records.append([
      {
        at: Date.now(),
        kind: operation.kind,
        actor: operation.actor,
        outcome: operation.outcome ?? 'ok',
        reason: operation.reason ?? null,
        runId: null,
        nodeId: null,
        target: operation.target,
        sql: null,
        detail: operation.detail ?? null,
      },
    ]);
  }

  /**
   * Runs `action` and records it: as `describe(result)` says (default `ok`, detail added to the
   * operation's), or the error it threw (`refused` for a refusal of the caller, else `error`),
   * which is rethrown.
   */
  async around<T>(
    operation: AuditedOperation,
    action: () => Promise<T>,
    describe?: (result: T) => ResultFacts,
  ): Promise<T> {
    let result: T;
    try {
      result = await action();
    } catch (error) {
      const { code, message } = serializeError(error);
      await this.record({
        ...operation,
        outcome: REFUSALS.has(code) ? 'refused' : 'error',
        reason: `${code}: ${message}`,
      });
      throw error;
    }
    const facts = describe?.(result) ?? {};
    const detail = { ...operation.detail, ...facts.detail };
    await this.record({
      ...operation,
      outcome: facts.outcome ?? 'ok',
      reason: facts.reason ?? null,
      ...(Object.keys(detail).length > 0 ? { detail } : {}),
    });
    return result;
  }
}

/** What an operation's result adds to its entry. */
export interface ResultFacts {
  detail?: Record<string, unknown>;
  outcome?: AuditOutcome;
  reason?: string | null;
}

/** Error codes that say the caller was not allowed, rather than that the operation failed. */
const REFUSALS: ReadonlySet<string> = new Set(['AUTH_REQUIRED', 'AUTH_FORBIDDEN', 'PATH_OUTSIDE_DATA_DIR']);
