// The flow_pins table of a SQLite store: one pinned output per flow and node.
import type { Statement } from 'better-sqlite3';
import type { PinRecord, PinRecords } from './pin-records.ts';
import { pinFromRow } from './repository-row-mappers.ts';
import type { Row } from './row-mappers.ts';

export class SqlitePinRecords implements PinRecords {
  readonly #sql: (text: string) => Statement;

  constructor(sql: (text: string) => Statement) {
    this.#sql = sql;
  }

  async put(pin: PinRecord): Promise<void> {
    this.#sql(
      `INSERT INTO flow_pins (flow_id, node_id, node_key, run_id, output, pinned_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(flow_id, node_id) DO UPDATE SET node_key = excluded.node_key, run_id = excluded.run_id,
         output = excluded.output, pinned_at = excluded.pinned_at`,
    ).run(pin.flowId, pin.nodeId, pin.nodeKey, pin.runId, JSON.stringify(pin.output), pin.pinnedAt);
  }

  async get(flowId: string, nodeId: string): Promise<PinRecord | null> {
    const row = this.#sql('SELECT * FROM flow_pins WHERE flow_id = ? AND node_id = ?').get(flowId, nodeId) as
      | Row
      | undefined;
    return row ? pinFromRow(row) : null;
  }

  async list(flowId: string): Promise<PinRecord[]> {
    const rows = this.#sql('SELECT * FROM flow_pins WHERE flow_id = ? ORDER BY node_id').all(flowId) as Row[];
    return rows.map(pinFromRow);
  }

  async remove(flowId: string, nodeId: string): Promise<boolean> {
    return (
      this.#sql('DELETE FROM flow_pins WHERE flow_id = ? AND node_id = ?').run(flowId, nodeId).changes > 0
    );
  }
}
