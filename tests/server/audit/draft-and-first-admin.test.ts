// Audit entries for draft saves, coalesced to one per flow per user per window (the editor
// autosaves every few seconds), and for the first admin a first start creates: where its
// password came from, never the password.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../engine/store/sqlite-store.ts';
import { AuditTrail } from '../../../server/audit/audit-trail.ts';
import { DRAFT_AUDIT_WINDOW_MS, DraftSaveAudit } from '../../../server/audit/draft-save-audit.ts';
import { ADMIN_PASSWORD_ENV, ensureFirstAdmin } from '../../../server/auth/first-admin.ts';
import { UserDirectory } from '../../../server/auth/users.ts';
import { flowOf } from '../../support/engine-harness.ts';
import { startTestServer } from '../../support/server-harness.ts';

let dir: string;
let store: SqliteStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'r1flow-audit-drafts-'));
  store = new SqliteStore(join(dir, 'r1.db'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ada = { kind: 'user' as const, id: 'u1', name: 'ada' };
const bob = { kind: 'user' as const, id: 'u2', name: 'bob' };

describe('draft saves in the audit log', () => {
  it('records one entry per flow per user per window', async () => {
    let now = 1_000_000;
    const drafts = new DraftSaveAudit(new AuditTrail(store.audit), { now: () => now });
    await drafts.saved(ada, 'f', { nodes: 1 });
    now += 1000;
    await drafts.saved(ada, 'f', { nodes: 2 }); // an autosave a second later: coalesced
    await drafts.saved(ada, 'g', { nodes: 1 }); // another flow
    await drafts.saved(bob, 'f', { nodes: 3 }); // another user
    now += DRAFT_AUDIT_WINDOW_MS;
    await drafts.saved(ada, 'f', { nodes: 4 }); // the window has passed
    const entries = (await store.audit.list({ kind: 'flow.draft' })).reverse();
    expect(entries.map((e) => [e.actor?.name, e.target, e.detail?.nodes])).toEqual([
      ['ada', 'f', 1],
      ['ada', 'g', 1],
      ['bob', 'f', 3],
      ['ada', 'f', 4],
    ]);
    expect(entries[0]).toMatchObject({ outcome: 'ok', detail: { coalescedForMinutes: 5 } });
  });

  it('a save over HTTP is recorded with its caller; the autosave right after is not', async () => {
    const h = await startTestServer();
    try {
      const draft = flowOf({ s: ['test.step'] }, [], 'drafted');
      for (let i = 0; i < 2; i++) {
        const saved = await h.api('/api/flows/drafted/draft', { method: 'PUT', json: draft });
        expect(saved.status).toBe(200);
      }
      const entries = await h.runtime.store.audit.list({ kind: 'flow.draft' });
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ target: 'drafted', actor: { name: 'loopback' } });
    } finally {
      await h.close();
    }
  });
});

describe('the first admin', () => {
  it('is recorded once, saying where the password came from and never the password', async () => {
    const users = new UserDirectory(store.users);
    const audit = new AuditTrail(store.audit);
    const password = 'first start password';
    const created = await ensureFirstAdmin(users, { [ADMIN_PASSWORD_ENV]: password }, audit);
    expect(created).toMatchObject({ name: 'admin', generatedPassword: null });
    expect(await ensureFirstAdmin(users, {}, audit)).toBeNull();
    const entries = await store.audit.list({ kind: 'user.add' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      target: 'admin',
      outcome: 'ok',
      actor: { kind: 'system', name: 'first start' },
      detail: { role: 'admin', project: 'default', password: ADMIN_PASSWORD_ENV },
    });
    expect(JSON.stringify(entries)).not.toContain(password);
  });

  it('a made-up password is shown on the terminal only, never in the log', async () => {
    const created = await ensureFirstAdmin(new UserDirectory(store.users), {}, new AuditTrail(store.audit));
    const entries = await store.audit.list({ kind: 'user.add' });
    expect(entries[0]?.detail?.password).toBe('generated, shown once on the terminal');
    expect(JSON.stringify(entries)).not.toContain(created!.generatedPassword!);
  });
});
