// Draft saves in the audit log, one entry per flow per user per window. The editor autosaves a
// draft seconds after every edit: an entry for each would bury the rest of the log, while what
// runs only changes on publish (each publish has its own entry). So the log says who worked on
// which flow's draft and when they started, every few minutes at most. The window is kept in
// memory: after a restart the next save is recorded again, which errs on the side of an entry.
import type { AuditActor } from '../../engine/store/audit-records.ts';
import type { AuditTrail } from './audit-trail.ts';

export const DRAFT_AUDIT_WINDOW_MS = 5 * 60_000;

export class DraftSaveAudit {
  readonly #trail: AuditTrail;
  readonly #windowMs: number;
  readonly #now: () => number;
  /** When each actor's saves of each flow were last recorded. */
  readonly #recorded = new Map<string, number>();

  constructor(trail: AuditTrail, options: { windowMs?: number; now?: () => number } = {}) {
    this.#trail = trail;
    this.#windowMs = options.windowMs ?? DRAFT_AUDIT_WINDOW_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Records a save of `flowId`'s draft unless this actor's last recorded save of it is within the window. */
  async saved(actor: AuditActor, flowId: string, detail: Record<string, unknown>): Promise<void> {
    const now = this.#now();
    const key = JSON.stringify([actor.id, flowId]);
    const last = this.#recorded.get(key);
    if (last !== undefined && now - last < this.#windowMs) return;
    this.#forgetBefore(now - this.#windowMs);
    this.#recorded.set(key, now);
    await this.#trail.record({
      kind: 'flow.draft',
      actor,
      target: flowId,
      detail: { ...detail, coalescedForMinutes: this.#windowMs / 60_000 },
    });
  }

  /** Windows that ended matter no more: the map holds only those still open. */
  #forgetBefore(cutoff: number): void {
    for (const [key, at] of this.#recorded) if (at < cutoff) this.#recorded.delete(key);
  }
}
