import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authenticate,
  createUser,
  isCommonPassword,
  isContextPassword,
  isDomainError,
  registerBuyer,
  ZPassword,
} from './core.js';
import { admin } from './factories.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

const problem = (password: string) => {
  const r = ZPassword.safeParse(password);
  return r.success ? undefined : r.error.issues[0]?.message;
};

async function refusal(run: Promise<unknown>) {
  try {
    await run;
  } catch (error) {
    if (isDomainError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('password rules (NIST SP 800-63B)', () => {
  it('needs 12 to 200 characters and nothing else about their kind', () => {
    expect(problem('12345678')).toBe('must be at least 12 characters');
    expect(problem('kettle-drum')).toBe('must be at least 12 characters');
    expect(problem(`${'x'.repeat(201)}yz`)).toBe('must be at most 200 characters');
    // No composition rules: lower case words alone are fine, so is any script.
    expect(problem('correct horse battery staple')).toBeUndefined();
    expect(problem('ромашка чайник лампа')).toBeUndefined();
  });

  it('refuses the common list, whatever the case, and one-character patterns', () => {
    expect(isCommonPassword('password1234')).toBe(true);
    expect(isCommonPassword('PassWord1234')).toBe(true);
    expect(isCommonPassword('tulip kettle lamp')).toBe(false);
    expect(problem('1qaz2wsx3edc')).toBe('this password is too common or too easy to guess; choose another');
    expect(problem('abababababab')).toBe('this password is too common or too easy to guess; choose another');
  });

  it('refuses repeats, sequences and keyboard walks that a length rule lets through', () => {
    for (const guessable of [
      '123123123123',
      'abcabcabcabc',
      'abc123abc123',
      'qwertyuiopas',
      'iloveyou1234',
    ]) {
      expect(problem(guessable), guessable).toBe(
        'this password is too common or too easy to guess; choose another',
      );
    }
    for (const fine of [
      'correct horse battery staple',
      'tulip kettle 3f9a2b',
      'Brand-New-Secret-Phrase-42',
    ]) {
      expect(problem(fine), fine).toBeUndefined();
    }
  });

  it('refuses passwords made of the account’s own email, name or the product’s name', () => {
    const account = { email: 'jane.doe@example.com', name: 'Jane Doe' };
    for (const p of [
      'Stockroom2024!',
      'jane.doe@example.com',
      'JaneDoe-1987',
      'doe jane doe jane',
      'STOCKROOM-jane',
    ]) {
      expect(isContextPassword(p, account), p).toBe(true);
    }
    for (const p of [
      'jane likes tulips',
      'stockroom kettle',
      'correct horse battery staple',
      '4815162342!!',
    ]) {
      expect(isContextPassword(p, account), p).toBe(false);
    }
  });

  it('applies the rules to sign-up and to users.create, and stores nothing refused', async () => {
    const before = await t.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirst();
    expect(
      await refusal(
        registerBuyer({ db: t.db }, { email: 'a@rules.test', password: 'password1234', name: 'A' }),
      ),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'password: this password is too common or too easy to guess; choose another',
    });
    expect(
      await refusal(
        registerBuyer({ db: t.db }, { email: 'bob@rules.test', password: 'Bob-Stockroom-99', name: 'Bob' }),
      ),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/^password: .*email or name/),
    });
    expect(
      await refusal(
        createUser(
          { db: t.db, actor: admin },
          { email: 'c@rules.test', password: 'short', name: 'C', role: 'staff', warehouseIds: [] },
        ),
      ),
    ).toMatchObject({ code: 'VALIDATION_FAILED', message: 'password: must be at least 12 characters' });
    const after = await t.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirst();
    expect(after?.n).toBe(before?.n);
  });
});

describe('registerBuyer', () => {
  it('creates a buyer for a new email and leaves a taken one untouched, answering alike', async () => {
    const first = await registerBuyer(
      { db: t.db },
      { email: 'Taken@Register.test', password: 'the first long password', name: 'First' },
    );
    const second = await registerBuyer(
      { db: t.db },
      { email: 'taken@register.test', password: 'a second long password', name: 'Second' },
    );
    expect(first).toEqual({ created: true });
    expect(second).toEqual({ created: false });
    const rows = await t.db
      .selectFrom('users')
      .selectAll()
      .where('email', 'ilike', 'taken@register.test')
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'First', role: 'buyer' });
    expect(await authenticate(t.db, 'taken@register.test', 'the first long password')).toMatchObject({
      role: 'buyer',
    });
    expect(await authenticate(t.db, 'taken@register.test', 'a second long password')).toBeUndefined();
  });
});
