import { appendFileSync, cpSync, existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeRegistry } from '../../../engine/registry.ts';
import { validateFlow } from '../../../engine/validate-flow.ts';
import { BUILTIN_NODES } from '../../../nodes/index.ts';
import { defaultIndexPath } from '../../../nodes/schema/index-location.ts';
import syncNode from '../../../nodes/warehouse/sync.node.ts';
import { SyncReportSchema } from '../../../nodes/warehouse/sync-report.ts';
import { spiderDatabasePath } from '../schema/spider-files.ts';
import type { SyncWorkspace } from './sync-fixtures.ts';
import { createSyncWorkspace } from './sync-fixtures.ts';

const SPIDER_FLIGHT_2 = spiderDatabasePath('flight_2');
const EXAMPLE = 'examples/flows/nightly-sync.flow.json';

let ws: SyncWorkspace;
/** Spider's flight_2, copied into the workspace: sources must lie in the data directory. */
let FLIGHT_2: string;
beforeEach(() => {
  ws = createSyncWorkspace();
  FLIGHT_2 = ws.path('flight_2.sqlite');
  cpSync(SPIDER_FLIGHT_2, FLIGHT_2);
});
afterEach(() => ws.cleanup());

interface FlowFile {
  nodes: { id: string; type: string; params: Record<string, unknown> }[];
}
const exampleFlow = () => JSON.parse(readFileSync(EXAMPLE, 'utf8')) as FlowFile;

describe('warehouse.sync@1', () => {
  it('is an io-lane warehouse node with a trigger input and a sync-report output', () => {
    expect(syncNode.key).toBe('warehouse.sync@1');
    expect(syncNode.lane).toBe('io');
    expect(syncNode.family).toBe('warehouse');
    expect(Object.keys(syncNode.inputs)).toEqual(['trigger']);
    expect(syncNode.outputs.report.name).toBe('sync-report');
  });

  it('copies Spider flight_2 completely although its rows violate its own foreign keys', async () => {
    const warehouse = ws.path('flight_2-copy.sqlite');
    const report = await ws.sync({
      source: { kind: 'sqlite', path: FLIGHT_2 },
      warehouse,
      createWarehouse: true,
    });

    expect(report.tables.map((t) => [t.table, t.rowsCopied])).toEqual([
      ['airlines', 12],
      ['airports', 100],
      ['flights', 1200],
    ]);
    for (const table of ['airlines', 'airports', 'flights']) {
      expect(ws.query(warehouse, `SELECT * FROM ${table} ORDER BY rowid`)).toEqual(
        ws.query(FLIGHT_2, `SELECT * FROM ${table} ORDER BY rowid`),
      );
    }
    expect(ws.query(warehouse, 'PRAGMA foreign_key_check')).toHaveLength(2400);
    expect(report.reindex?.tablesIndexed).toBeGreaterThanOrEqual(3);
    expect(SyncReportSchema.parse(report)).toEqual(report);
    expect(existsSync(defaultIndexPath(warehouse, ws.path('schema-index')))).toBe(true);
  });

  it('a failed re-index says the rows were committed, and they are', async () => {
    const warehouse = ws.path('w.sqlite');
    const notADirectory = ws.write('file', '');
    const error = await ws
      .sync({
        source: { kind: 'sqlite', path: FLIGHT_2 },
        warehouse,
        createWarehouse: true,
        indexPath: `${notADirectory}/index/x.sqlite`,
      })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({
      code: 'SCHEMA_INDEX_ERROR',
      retryable: true,
      message: expect.stringContaining(
        'the rows were copied and committed, but re-indexing the schema failed',
      ),
    });
    expect(ws.query(warehouse, 'SELECT count(*) AS n FROM flights')).toEqual([{ n: 1200 }]);
  });

  it('the nightly-sync example validates: schedule trigger → warehouse.sync → answer', () => {
    // Until the pack registers warehouse.sync itself, the test adds it.
    const registry = new NodeRegistry([
      ...BUILTIN_NODES.filter((node) => node.key !== syncNode.key),
      syncNode,
    ]);
    const result = validateFlow(exampleFlow(), registry);
    expect(result.ok ? [] : result.issues).toEqual([]);
    expect(exampleFlow().nodes.map((node) => node.type)).toEqual([
      'trigger.schedule@1',
      'warehouse.sync@1',
      'output.answer@1',
    ]);
  });

  it("the nightly-sync example's sync creates three tables, then copies only what was added", async () => {
    cpSync('examples/sync-source', ws.path('sync-source'), { recursive: true });
    const params = exampleFlow().nodes.find((node) => node.id === 'sync')?.params ?? {};
    const source = { ...(params.source as object), directory: ws.path('sync-source') };
    const warehouse = ws.path('nightly.sqlite');

    const first = await ws.sync({ ...params, source, warehouse });
    expect(first.tablesCreated).toEqual(['exchange_rates', 'support_tickets', 'web_sessions']);
    expect(first.tables.map((t) => [t.table, t.mode, t.rowsCopied])).toEqual([
      ['exchange_rates', 'replace', 4],
      ['support_tickets', 'watermark', 6],
      ['web_sessions', 'watermark', 7],
    ]);
    const [ticket] = ws.query<{ body: string }>(warehouse, 'SELECT body FROM support_tickets LIMIT 1');
    expect(ticket?.body).toBe(
      'Hello,\nthe invoice for order 5531 shows 20% VAT; we are exempt.\nThanks, Priya',
    );

    appendFileSync(
      ws.path('sync-source/web_sessions.csv'),
      '50008,17,2024-06-04T08:00:00Z,5,mobile,search\n',
    );
    const second = await ws.sync({ ...params, source, warehouse });
    expect(second.tables.map((t) => [t.table, t.rowsCopied])).toEqual([
      ['exchange_rates', 4],
      ['support_tickets', 0],
      ['web_sessions', 1],
    ]);
  });
});
