import { describe, expect, it } from 'vitest';
import { displayUrl, scrubSecrets } from '../../engine/connection-redaction.ts';

describe('scrubSecrets', () => {
  it('hides the password (raw and decoded), query values and the whole address', () => {
    const url = 'postgres://app:p%40ss-word@db/x?password=other-secret';
    const message = `failed for postgres://app:p%40ss-word@db/x?password=other-secret: p@ss-word p%40ss-word other-secret`;
    const scrubbed = scrubSecrets(message, url);
    expect(scrubbed).not.toMatch(/p@ss-word|p%40ss-word|other-secret/);
    expect(scrubbed).toBe('failed for ***: *** *** ***');
  });

  it('leaves a message without secrets alone; a password that is not valid percent-encoding is still hidden', () => {
    expect(scrubSecrets('connection refused', 'postgres://app@db/x')).toBe('connection refused');
    expect(scrubSecrets('auth failed for 100%zz', 'postgres://app:100%zz@db/x')).toBe('auth failed for ***');
    expect(scrubSecrets('cannot open /srv/a.sqlite', '/srv/a.sqlite')).toBe('cannot open ***');
  });
});

describe('displayUrl', () => {
  it('keeps scheme, user, host, port and path; drops password and query', () => {
    expect(displayUrl('postgresql://reader:s3cret%21@db.example:6543/sales%20dw?sslmode=disable')).toBe(
      'postgresql://reader@db.example:6543/sales%20dw',
    );
    expect(displayUrl('http://:sk-key@127.0.0.1:8000/')).toBe('http://127.0.0.1:8000');
    expect(displayUrl('postgres://h')).toBe('postgres://h');
  });

  it('answers the fallback, never the text, for what does not parse', () => {
    expect(displayUrl('postgres://user:pw@[bad/db')).toBe('(unparsable URL)');
    expect(displayUrl('postgres://user:pw@[bad/db', 'postgres')).toBe('postgres');
  });
});
