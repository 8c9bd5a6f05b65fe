// What a connection's address may be: kinds inferred from schemes and extensions, addresses
// checked per kind, listings without passwords, and errors that never echo the address.
import { describe, expect, it } from 'vitest';
import { scrubSecrets } from '../../../engine/connection-redaction.ts';
import { R1flowError } from '../../../engine/errors.ts';
import {
  checkConnectionName,
  parseConnectionAddress,
} from '../../../server/connections/connection-address.ts';

function failure(run: () => unknown): R1flowError {
  try {
    run();
  } catch (error) {
    if (error instanceof R1flowError) return error;
    throw error;
  }
  throw new Error('expected an R1flowError');
}

describe('parseConnectionAddress', () => {
  it('infers the kind from the scheme or the file extension', () => {
    expect(parseConnectionAddress('a', 'postgres://u:p@db:5432/sales').kind).toBe('postgres');
    expect(parseConnectionAddress('a', 'postgresql://db/sales').kind).toBe('postgres');
    expect(parseConnectionAddress('a', 'https://api.example.com/v1').kind).toBe('openai');
    expect(parseConnectionAddress('a', 'http://127.0.0.1:8000/v1').kind).toBe('openai');
    expect(parseConnectionAddress('a', '/data/hr.sqlite', undefined, '/').kind).toBe('sqlite');
    expect(parseConnectionAddress('a', 'hr.db', undefined, '/base').url).toBe('/base/hr.db');
    expect(parseConnectionAddress('a', '/data/sales.duckdb').kind).toBe('duckdb');
  });

  it('shows the address without password or query, and keeps both in the sealed URL', () => {
    const parsed = parseConnectionAddress(
      'sales',
      'postgres://app:s3cret@db.internal:6543/sales?sslmode=require',
    );
    expect(parsed.display).toBe('postgres://app@db.internal:6543/sales');
    expect(parsed.url).toContain('s3cret');
    expect(parseConnectionAddress('llm', 'https://:sk-live-123@api.example.com/v1').display).toBe(
      'https://api.example.com/v1',
    );
  });

  it('takes a Milvus address with or without a scheme when the kind says milvus', () => {
    const bare = parseConnectionAddress('vectors', 'milvus.internal:19530', 'milvus');
    expect(bare).toMatchObject({ kind: 'milvus', display: 'http://milvus.internal:19530' });
    const withToken = parseConnectionAddress('vectors', 'https://root:Milvus@zilliz.example:443', 'milvus');
    expect(withToken.display).toBe('https://root@zilliz.example');
  });

  it('refuses addresses that do not fit the kind, naming the connection and not the address', () => {
    const cases: [string, string | undefined, RegExp][] = [
      ['milvus.internal:19530', undefined, /cannot be told from the address/],
      ['mysql://u:hunter22@db/x', undefined, /scheme is not one r1flow knows/],
      ['https://u:hunter22@db/x', 'postgres', /starts with postgres:\/\/ or postgresql:\/\//],
      ['postgres://u:hunter22@db/x', 'sqlite', /is a file path, not a URL/],
      ['postgres:///x?password=hunter22', undefined, /names no host/],
      ['postgres://u:hunter22@db/x', 'mysql', /kind "mysql" is not one of/],
      ['   ', undefined, /URL is empty/],
    ];
    for (const [url, kind, problem] of cases) {
      const error = failure(() => parseConnectionAddress('sales', url, kind));
      expect(error.code).toBe('CONNECTION_INVALID');
      expect(error.message).toMatch(problem);
      expect(error.message).toContain('connection "sales"');
      expect(error.message).not.toContain('hunter22');
      expect(error.data).toEqual({ connection: 'sales' });
    }
  });
});

describe('checkConnectionName', () => {
  it('accepts plain identifiers and refuses anything else', () => {
    for (const name of ['sales', 'Sales_2', 'llm-local'])
      expect(() => checkConnectionName(name)).not.toThrow();
    for (const name of ['', '2sales', 'sales db', 'a/b', 'x'.repeat(65), 'postgres://u:p@h/d']) {
      expect(failure(() => checkConnectionName(name)).code).toBe('CONNECTION_INVALID');
    }
  });
});

describe('http connections', () => {
  const address =
    'https://hooks.example.com/services/T0?x=1#hosts=api.example.com&header.Authorization=Bearer%20tok-123&hmac=sign-me';

  it('keep their fragment settings sealed and list only scheme, host and path', () => {
    const parsed = parseConnectionAddress('chat', address, 'http');
    expect(parsed).toEqual({ kind: 'http', url: address, display: 'https://hooks.example.com/services/T0' });
  });

  it('refuse unknown settings, bad header names and host lists, naming the connection', () => {
    for (const [url, problem] of [
      ['https://h.example.com#token=abc', /#token= setting is not one r1flow knows/],
      ['https://h.example.com#header.Bad%20Name=1', /not a valid HTTP header name/],
      ['https://h.example.com#hosts=ok.example.com,bad/host', /"bad\/host" is not a host name/],
      ['ftp://h.example.com', /starts with http:\/\/ or https:\/\//],
    ] as const) {
      const error = failure(() => parseConnectionAddress('chat', url, 'http'));
      expect(error.message).toMatch(problem);
      expect(error.message).toContain('connection "chat"');
    }
  });

  it("scrub the headers' and hmac secrets from messages", () => {
    expect(scrubSecrets('sent tok-123 signed sign-me', address)).toBe('sent *** signed ***');
  });
});
