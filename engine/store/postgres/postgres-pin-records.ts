// The flow_pins table of a PostgreSQL store: one pinned output per flow and node.
import type { PinRecord, PinRecords } from '../pin-records.ts';
import { pinFromRow } from '../repository-row-mappers.ts';
import type { Sql } from './postgres-database.ts';

export class PostgresPinRecords implements PinRecords {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async put(pin: PinRecord): Promise<void> {
    await this.#sql.run(
      `INSERT INTO flow_pins (flow_id, node_id, node_key, run_id, output, pinned_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (flow_id, node_id) DO UPDATE SET node_key = excluded.node_key, run_id = excluded.run_id,
         output = excluded.output, pinned_at = excluded.pinned_at`,
      [pin.flowId, pin.nodeId, pin.nodeKey, pin.runId, JSON.stringify(pin.output), pin.pinnedAt],
    );
  }

  async get(flowId: string, nodeId: string): Promise<PinRecord | null> {
    const row = await this.#sql.row('SELECT * FROM flow_pins WHERE flow_id = $1 AND node_id = $2', [
      flowId,
      nodeId,
    ]);
    return row ? pinFromRow(row) : null;
  }

  async list(flowId: string): Promise<PinRecord[]> {
    const rows = await this.#sql.rows(
      'SELECT * FROM flow_pins WHERE flow_id = $1 ORDER BY node_id COLLATE "C"',
      [flowId],
    );
    return rows.map(pinFromRow);
  }

  async remove(flowId: string, nodeId: string): Promise<boolean> {
    return (
      (await this.#sql.run('DELETE FROM flow_pins WHERE flow_id = $1 AND node_id = $2', [flowId, nodeId])) > 0
    );
  }
}
