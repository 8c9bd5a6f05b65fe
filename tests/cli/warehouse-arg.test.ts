import { describe, expect, it } from 'vitest';
import type { ResolvedConnection } from '../../engine/connections.ts';
import { connectionNotFound } from '../../engine/connections.ts';
import { parseWarehouseArg } from '../../server/cli/warehouse-arg.ts';

const stored = new Map<string, ResolvedConnection>([
  ['sales', { name: 'sales', kind: 'postgres', url: 'postgres://u:stored-pw@db.example:5432/sales' }],
  ['local', { name: 'local', kind: 'sqlite', url: 'file:///data/wh.sqlite' }],
  ['lake', { name: 'lake', kind: 'duckdb', url: '/data/lake.duckdb' }],
  ['model', { name: 'model', kind: 'openai', url: 'http://127.0.0.1:8000/v1' }],
]);
const lookup = async (name: string) => {
  const found = stored.get(name);
  if (found === undefined) throw connectionNotFound(name);
  return found;
};

describe('warehouse argument', () => {
  it('reads a file path as SQLite, or DuckDB by its extension', async () => {
    expect(await parseWarehouseArg('data/wh.sqlite')).toMatchObject({
      location: { database: 'data/wh.sqlite', dialect: 'sqlite' },
      label: 'data/wh.sqlite',
    });
    expect((await parseWarehouseArg('lake.DuckDB')).location.dialect).toBe('duckdb');
  });

  it('turns a URL into an ad-hoc connection named from host and database, printed without its password', async () => {
    const url = 'postgresql://reader:s3cret%21@db.example:6543/sales%20dw?sslmode=disable';
    const arg = await parseWarehouseArg(url, lookup);
    expect(arg.location).toEqual({ database: 'connection:db.example-sales-dw', dialect: 'postgres' });
    expect(arg.label).toBe('postgresql://reader@db.example:6543/sales%20dw');
    expect(JSON.stringify(arg.location) + arg.label).not.toContain('s3cret');
    expect(await arg.connection('db.example-sales-dw')).toEqual({
      name: 'db.example-sales-dw',
      kind: 'postgres',
      url,
    });
    expect((await arg.connection('sales')).url).toContain('stored-pw'); // other names: the caller's lookup
    expect((await parseWarehouseArg('postgres://h/')).location.database).toBe('connection:h-postgres');
  });

  it('refuses a URL that does not parse without repeating it', async () => {
    const error = await parseWarehouseArg('postgres://user:pw@[bad/db').catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    expect((error as Error).message).not.toContain('pw');
  });

  it('resolves connection:NAME through the caller’s lookup', async () => {
    expect(await parseWarehouseArg('connection:sales', lookup)).toMatchObject({
      location: { database: 'connection:sales', dialect: 'postgres' },
      label: 'connection sales',
    });
    expect((await parseWarehouseArg('connection:local', lookup)).location).toEqual({
      database: '/data/wh.sqlite',
      dialect: 'sqlite',
    });
    expect((await parseWarehouseArg('connection:lake', lookup)).location.dialect).toBe('duckdb');
    await expect(parseWarehouseArg('connection:model', lookup)).rejects.toThrow(/openai connection/);
    await expect(parseWarehouseArg('connection:nope', lookup)).rejects.toMatchObject({
      code: 'CONNECTION_NOT_FOUND',
    });
    await expect(parseWarehouseArg('connection:sales')).rejects.toMatchObject({
      code: 'CONNECTION_NOT_FOUND',
    });
    await expect(parseWarehouseArg(' ')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
