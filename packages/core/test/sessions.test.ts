/**
 * Sessions against real PostgreSQL: a session is honoured with the user's
 * current role and warehouses, and refused once signed out, expired, or its
 * user disabled; a password reset ends every session the old password opened.
 * In production the demo admin does not count as "an admin exists", so the
 * first admin from the environment is still created.
 */
import { seedDemo } from '@stockroom/db';
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUser,
  ensureFirstAdmin,
  openSession,
  refuseDemoCredentials,
  resetPassword,
  revokeSession,
  SYSTEM_CLI,
  sessionActor,
  updateUser,
} from '../src/index.js';
import { admin } from './factories.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  refuseDemoCredentials(false);
  await t.destroy();
});

let n = 0;
async function user(role: 'staff' | 'buyer' = 'staff') {
  const email = `s${++n}-${Date.now().toString(36)}@sessions.test`;
  const created = await createUser(
    { db: t.db, actor: admin },
    { email, name: 'Session User', password: 'a long enough passphrase 42', role },
  );
  const sessionId = await openSession(t.db, { userId: created.id, expiresAt: new Date(Date.now() + 60_000) });
  return { ...created, sessionId };
}

describe('sessions', () => {
  it('carry the user’s current role and warehouses, not what they were at sign-in', async () => {
    const u = await user('staff');
    expect(await sessionActor(t.db, u.sessionId, u.id)).toMatchObject({ role: 'staff', warehouseIds: [] });
    await updateUser({ db: t.db, actor: admin }, { id: u.id, role: 'buyer' });
    expect(await sessionActor(t.db, u.sessionId, u.id)).toMatchObject({ role: 'buyer' });
  });

  it('are refused once signed out, expired, disabled, or named with another user', async () => {
    const a = await user();
    const b = await user();
    expect(await sessionActor(t.db, a.sessionId, b.id)).toBeUndefined();
    await revokeSession(t.db, a.sessionId);
    expect(await sessionActor(t.db, a.sessionId, a.id)).toBeUndefined();
    await updateUser({ db: t.db, actor: admin }, { id: b.id, active: false });
    expect(await sessionActor(t.db, b.sessionId, b.id)).toBeUndefined();
    const c = await user();
    await sql`update sessions set expires_at = now() - interval '1 second' where id = ${c.sessionId}`.execute(
      t.db,
    );
    expect(await sessionActor(t.db, c.sessionId, c.id)).toBeUndefined();
  });

  it('all end when the password is reset', async () => {
    const u = await user();
    const second = await openSession(t.db, { userId: u.id, expiresAt: new Date(Date.now() + 60_000) });
    await resetPassword(
      { db: t.db, actor: SYSTEM_CLI },
      { email: u.email, password: 'another long passphrase 7' },
    );
    expect(await sessionActor(t.db, u.sessionId, u.id)).toBeUndefined();
    expect(await sessionActor(t.db, second, u.id)).toBeUndefined();
    // A session opened after the reset works.
    const fresh = await openSession(t.db, { userId: u.id, expiresAt: new Date(Date.now() + 60_000) });
    expect(await sessionActor(t.db, fresh, u.id)).toBeDefined();
  });
});

describe('first admin in production', () => {
  it('is created even when the (refused) demo admin is in the database', async () => {
    const db = await createTestDatabase();
    try {
      await seedDemo(db.db, { environment: 'development' });
      refuseDemoCredentials(true);
      const outcome = await ensureFirstAdmin(db.db, {
        email: 'ops@example.org',
        password: 'a long enough passphrase 42',
      });
      expect(outcome).toMatchObject({ created: true });
      // …and only once.
      expect(
        await ensureFirstAdmin(db.db, { email: 'ops2@example.org', password: 'a long enough passphrase 42' }),
      ).toMatchObject({ created: false, reason: 'admin-exists' });
    } finally {
      refuseDemoCredentials(false);
      await db.destroy();
    }
  });
});
