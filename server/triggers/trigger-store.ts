// The triggers of each flow's published (latest) version: one row per webhook or schedule node.
// Saving a flow re-syncs its rows; webhook HMAC secrets are sealed with the server secret, tokens
// are kept only as hashes (shown once, at creation or rotation).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { R1flowError } from '../../engine/errors.ts';
import type { FlowDocument } from '../../engine/flow-schema.ts';
import { newId } from '../../engine/ids.ts';
import { createStatementCache } from '../../engine/store/statement-cache.ts';
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
  readonly #db: Database;
  readonly #key: Buffer;
  /** Prepared once: webhooks look triggers up on every request. */
  readonly #sql: (text: string) => Statement;

  constructor(db: Database, serverKey: Buffer) {
    this.#db = db;
    this.#key = serverKey;
    this.#sql = createStatementCache(db);
  }

  /** Refuses a flow whose webhook path another flow already serves. */
  checkPaths(document: FlowDocument): void {
    for (const node of document.nodes) {
      if (!node.type.startsWith('trigger.webhook@')) continue;
      const path = (node.params as { path?: string }).path;
      const owner = this.#sql('SELECT flow_id FROM triggers WHERE path = ?').get(path) as
        | { flow_id: string }
        | undefined;
      if (owner && owner.flow_id !== document.id) {
        throw new R1flowError(
          'BAD_REQUEST',
          `webhook path "${path}" is already served by flow "${owner.flow_id}"`,
          {
            nodeId: node.id,
            path: `nodes[${document.nodes.indexOf(node)}].params.path`,
          },
        );
      }
    }
  }

  /** Makes the rows match the flow's trigger nodes; returns secrets created for new triggers. */
  sync(document: FlowDocument & { version: number }): NewTriggerSecret[] {
    const created: NewTriggerSecret[] = [];
    const now = Date.now();
    const apply = this.#db.transaction(() => {
      const seen = new Set<string>();
      for (const node of document.nodes) {
        const kind = node.type.startsWith('trigger.webhook@')
          ? 'webhook'
          : node.type.startsWith('trigger.schedule@')
            ? 'schedule'
            : null;
        if (!kind) continue;
        seen.add(node.id);
        const config =
          kind === 'webhook'
            ? WebhookParamsSchema.parse(node.params)
            : ScheduleParamsSchema.parse(node.params);
        const path = kind === 'webhook' ? (config as WebhookParams).path : null;
        const existing = this.#sql('SELECT id, config FROM triggers WHERE flow_id = ? AND node_id = ?').get(
          document.id,
          node.id,
        ) as { id: string; config: string } | undefined;
        if (existing) {
          this.#db
            .prepare(
              'UPDATE triggers SET flow_version = ?, kind = ?, path = ?, config = ?, updated_at = ? WHERE id = ?',
            )
            .run(document.version, kind, path, JSON.stringify(config), now, existing.id);
          const previousAuth = (JSON.parse(existing.config) as { auth?: string }).auth;
          if (kind === 'webhook' && previousAuth !== (config as WebhookParams).auth) {
            created.push(this.#newSecret(existing.id, node.id, (config as WebhookParams).auth));
          }
          continue;
        }
        const id = newId('trg_', 6);
        this.#sql(
          'INSERT INTO triggers (id, flow_id, flow_version, node_id, kind, path, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        ).run(id, document.id, document.version, node.id, kind, path, JSON.stringify(config), now, now);
        if (kind === 'webhook') created.push(this.#newSecret(id, node.id, (config as WebhookParams).auth));
      }
      for (const row of this.#db
        .prepare('SELECT id, node_id FROM triggers WHERE flow_id = ?')
        .all(document.id) as {
        id: string;
        node_id: string;
      }[]) {
        if (!seen.has(row.node_id)) this.#sql('DELETE FROM triggers WHERE id = ?').run(row.id);
      }
    });
    apply.immediate();
    return created;
  }

  /** A fresh secret (HMAC key or bearer token) for a webhook; the old one stops working. */
  rotateSecret(triggerId: string): NewTriggerSecret {
    const trigger = this.get(triggerId);
    if (trigger?.kind !== 'webhook') throw new R1flowError('NOT_FOUND', `no webhook trigger "${triggerId}"`);
    return this.#newSecret(trigger.id, trigger.nodeId, trigger.config.auth);
  }

  #newSecret(triggerId: string, nodeId: string, auth: 'hmac' | 'token'): NewTriggerSecret {
    const secret =
      auth === 'hmac'
        ? `whsec_${randomBytes(24).toString('hex')}`
        : `whtok_${randomBytes(24).toString('base64url')}`;
    if (auth === 'hmac') {
      this.#db
        .prepare('UPDATE triggers SET secret_enc = ?, token_hash = NULL WHERE id = ?')
        .run(sealSecret(this.#key, secret), triggerId);
    } else {
      this.#db
        .prepare('UPDATE triggers SET token_hash = ?, secret_enc = NULL WHERE id = ?')
        .run(hash(secret), triggerId);
    }
    return { triggerId, nodeId, auth, secret };
  }

  removeFlow(flowId: string): void {
    this.#sql('DELETE FROM triggers WHERE flow_id = ?').run(flowId);
  }

  get(id: string): TriggerRecord | null {
    const row = this.#sql('SELECT * FROM triggers WHERE id = ?').get(id) as
      | Record<string, unknown>
      | undefined;
    return row ? fromRow(row) : null;
  }

  byPath(path: string): TriggerRecord | null {
    const row = this.#sql('SELECT * FROM triggers WHERE path = ?').get(path) as
      | Record<string, unknown>
      | undefined;
    return row ? fromRow(row) : null;
  }

  list(filter: { flowId?: string; kind?: 'webhook' | 'schedule' } = {}): TriggerRecord[] {
    const rows = this.#sql('SELECT * FROM triggers ORDER BY created_at').all() as Record<string, unknown>[];
    return rows
      .map(fromRow)
      .filter(
        (t) => (!filter.flowId || t.flowId === filter.flowId) && (!filter.kind || t.kind === filter.kind),
      );
  }

  /** The HMAC secret of a webhook (for verification and the editor's signed curl example). */
  hmacSecret(id: string): string | null {
    const row = this.#sql('SELECT secret_enc FROM triggers WHERE id = ?').get(id) as
      | { secret_enc: string | null }
      | undefined;
    return row?.secret_enc ? openSecret(this.#key, row.secret_enc) : null;
  }

  verifyToken(id: string, token: string): boolean {
    const row = this.#sql('SELECT token_hash FROM triggers WHERE id = ?').get(id) as
      | { token_hash: string | null }
      | undefined;
    if (!row?.token_hash) return false;
    const expected = Buffer.from(row.token_hash, 'hex');
    const given = Buffer.from(hash(token), 'hex');
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  setEnabled(id: string, enabled: boolean): void {
    this.#db
      .prepare('UPDATE triggers SET enabled = ?, updated_at = ? WHERE id = ?')
      .run(enabled ? 1 : 0, Date.now(), id);
  }

  recordFire(id: string, at: number): void {
    this.#sql('UPDATE triggers SET last_fire_at = ? WHERE id = ?').run(at, id);
  }
}

function fromRow(row: Record<string, unknown>): TriggerRecord {
  return {
    id: row.id as string,
    flowId: row.flow_id as string,
    flowVersion: row.flow_version as number,
    nodeId: row.node_id as string,
    kind: row.kind as 'webhook',
    path: (row.path as string | null) ?? null,
    config: JSON.parse(row.config as string) as WebhookParams,
    enabled: row.enabled === 1,
    lastFireAt: (row.last_fire_at as number | null) ?? null,
    createdAt: row.created_at as number,
  };
}
