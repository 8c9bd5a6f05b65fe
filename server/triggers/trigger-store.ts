// The triggers of each flow's published version: one row per webhook or schedule node.
// Saving a flow re-syncs its rows; webhook HMAC secrets are sealed with the server secret, tokens
// are kept only as hashes (shown once, at creation or rotation).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { R1flowError } from '../../engine/errors.ts';
import type { FlowDocument } from '../../engine/flow-schema.ts';
import type {
  ScheduleFire,
  StoredTrigger,
  TriggerCredential,
  TriggerDraft,
  TriggerRecords,
} from '../../engine/store/trigger-records.ts';
import type { ScheduleParams } from '../../nodes/trigger/schedule.node.ts';
import { ScheduleParamsSchema } from '../../nodes/trigger/schedule.node.ts';
import type { WebhookParams } from '../../nodes/trigger/webhook.node.ts';
import { WebhookParamsSchema } from '../../nodes/trigger/webhook.node.ts';
import { openSecret, sealSecret } from '../auth/secret-box.ts';

export type TriggerRecord =
  | (TriggerBase & { kind: 'webhook'; config: WebhookParams })
  | (TriggerBase & { kind: 'schedule'; config: ScheduleParams });

interface TriggerBase {
  id: string;
  flowId: string;
  flowVersion: number;
  nodeId: string;
  path: string | null;
  enabled: boolean;
  lastFireAt: number | null;
  createdAt: number;
}

/** Secrets made during a sync, shown to the caller once. */
export interface NewTriggerSecret {
  triggerId: string;
  nodeId: string;
  auth: 'hmac' | 'token';
  secret: string;
}

const hash = (value: string) => createHash('sha256').update(value).digest('hex');

export class TriggerStore {
  readonly #records: TriggerRecords;
  readonly #key: Buffer;

  constructor(records: TriggerRecords, serverKey: Buffer) {
    this.#records = records;
    this.#key = serverKey;
  }

  /** Refuses a flow whose webhook path another flow already serves. */
  async checkPaths(document: FlowDocument): Promise<void> {
    for (const node of document.nodes) {
      if (!node.type.startsWith('trigger.webhook@')) continue;
      const path = (node.params as { path?: string }).path;
      const owner = path === undefined ? null : await this.#records.byPath(path);
      if (owner && owner.flowId !== document.id) {
        throw new R1flowError(
          'BAD_REQUEST',
          `webhook path "${path}" is already served by flow "${owner.flowId}"`,
          {
            nodeId: node.id,
            path: `nodes[${document.nodes.indexOf(node)}].params.path`,
          },
        );
      }
    }
  }

  /** Makes the rows match the flow's trigger nodes; returns secrets created for new triggers. */
  async sync(document: FlowDocument & { version: number }): Promise<NewTriggerSecret[]> {
    const drafts: TriggerDraft[] = [];
    for (const node of document.nodes) {
      if (node.type.startsWith('trigger.webhook@')) {
        const config = WebhookParamsSchema.parse(node.params);
        drafts.push({ nodeId: node.id, kind: 'webhook', path: config.path, config });
      } else if (node.type.startsWith('trigger.schedule@')) {
        const config = ScheduleParamsSchema.parse(node.params);
        drafts.push({ nodeId: node.id, kind: 'schedule', path: null, config });
      }
    }
    // A webhook gets a secret when it is new or its auth mode changed (the old one cannot work).
    const issued = new Map<string, { auth: 'hmac' | 'token'; secret: string }>();
    const rows = await this.#records.syncFlow(document.id, document.version, drafts, (draft, previous) => {
      if (draft.kind !== 'webhook') return null;
      const auth = (draft.config as WebhookParams).auth;
      if (previous && (previous.config as { auth?: string }).auth === auth) return null;
      const { secret, credential } = this.#newSecret(auth);
      issued.set(draft.nodeId, { auth, secret });
      return credential;
    });
    const idOf = new Map(rows.map((row) => [row.nodeId, row.id]));
    return drafts.flatMap(({ nodeId }) => {
      const made = issued.get(nodeId);
      return made ? [{ triggerId: idOf.get(nodeId)!, nodeId, ...made }] : [];
    });
  }

  /** A fresh secret (HMAC key or bearer token) for a webhook; the old one stops working. */
  async rotateSecret(triggerId: string): Promise<NewTriggerSecret> {
    const trigger = await this.get(triggerId);
    if (trigger?.kind !== 'webhook') throw new R1flowError('NOT_FOUND', `no webhook trigger "${triggerId}"`);
    const { secret, credential } = this.#newSecret(trigger.config.auth);
    if (!(await this.#records.setCredential(trigger.id, credential))) {
      throw new R1flowError('NOT_FOUND', `no webhook trigger "${triggerId}"`);
    }
    return { triggerId: trigger.id, nodeId: trigger.nodeId, auth: trigger.config.auth, secret };
  }

  #newSecret(auth: 'hmac' | 'token'): { secret: string; credential: TriggerCredential } {
    if (auth === 'hmac') {
      const secret = `whsec_${randomBytes(24).toString('hex')}`;
      return { secret, credential: { secretSealed: sealSecret(this.#key, secret) } };
    }
    const secret = `whtok_${randomBytes(24).toString('base64url')}`;
    return { secret, credential: { tokenHash: hash(secret) } };
  }

  async removeFlow(flowId: string): Promise<void> {
    await this.#records.removeFlow(flowId);
  }

  async get(id: string): Promise<TriggerRecord | null> {
    const row = await this.#records.get(id);
    return row ? toTrigger(row) : null;
  }

  async byPath(path: string): Promise<TriggerRecord | null> {
    const row = await this.#records.byPath(path);
    return row ? toTrigger(row) : null;
  }

  async list(filter: { flowId?: string; kind?: 'webhook' | 'schedule' } = {}): Promise<TriggerRecord[]> {
    return (await this.#records.list(filter)).map(toTrigger);
  }

  /** The HMAC secret of a webhook (for verification and the editor's signed curl example). */
  async hmacSecret(id: string): Promise<string | null> {
    const row = await this.#records.get(id);
    return row?.secretSealed ? openSecret(this.#key, row.secretSealed) : null;
  }

  async verifyToken(id: string, token: string): Promise<boolean> {
    const row = await this.#records.get(id);
    if (!row?.tokenHash) return false;
    const expected = Buffer.from(row.tokenHash, 'hex');
    const given = Buffer.from(hash(token), 'hex');
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  async setEnabled(id: string, enabled: boolean): Promise<void> {
    await this.#records.setEnabled(id, enabled);
  }

  /** True when this call recorded the missed tick; false when it already had a row (fired or recorded elsewhere). */
  async recordMissedFire(id: string, tickAt: number): Promise<boolean> {
    return this.#records.recordMissedFire(id, tickAt);
  }

  /** The trigger's recorded ticks (started or missed), newest first. */
  async listFires(id: string, limit?: number): Promise<ScheduleFire[]> {
    return this.#records.listFires(id, limit === undefined ? {} : { limit });
  }
}

/** The stored row as the server uses it; the config was validated by the node's schema on save. */
function toTrigger(row: StoredTrigger): TriggerRecord {
  return {
    id: row.id,
    flowId: row.flowId,
    flowVersion: row.flowVersion,
    nodeId: row.nodeId,
    kind: row.kind as 'webhook',
    path: row.path,
    config: row.config as unknown as WebhookParams,
    enabled: row.enabled,
    lastFireAt: row.lastFireAt,
    createdAt: row.createdAt,
  };
}
