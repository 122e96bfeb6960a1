/**
 * Abuse limits on sign-in and sign-up, against a real API and PostgreSQL:
 * attempts are counted before the password is checked (so parallel guesses
 * cannot all slip under the limit), successes give their point back, sign-ups
 * are budgeted per address, password hashing is bounded, registration reveals
 * nothing about existing emails, and weak passwords are refused.
 */
import { passwordHashStats } from '@stockroom/db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';

interface Answer {
  status: number;
  appCode?: string;
  message?: string;
  retryAfter: string | null;
  result?: unknown;
}

async function call(api: TestApi, procedure: string, input: unknown, ip?: string): Promise<Answer> {
  const res = await fetch(`${api.url}/trpc/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(ip ? { 'x-forwarded-for': ip } : {}) },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as {
    error?: { message: string; data: { appCode: string } };
    result?: { data: unknown };
  };
  return {
    status: res.status,
    appCode: body.error?.data.appCode,
    message: body.error?.message,
    retryAfter: res.headers.get('retry-after'),
    result: body.result?.data,
  };
}

const login = (api: TestApi, email: string, password: string, ip?: string) =>
  call(api, 'auth.login', { email, password }, ip);
const register = (api: TestApi, input: { email: string; password: string; name: string }, ip?: string) =>
  call(api, 'auth.register', input, ip);

const count = (answers: Answer[], status: number) => answers.filter((a) => a.status === status).length;

/** Every 429 is RATE_LIMITED and says when to come back. */
function expectRateLimited(answers: Answer[]) {
  for (const a of answers.filter((x) => x.status === 429)) {
    expect(a.appCode).toBe('RATE_LIMITED');
    expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
  }
}

async function userCount(api: TestApi, pattern = '%'): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from users where email like ${pattern}`.execute(api.database.db);
  return rows[0]?.n ?? 0;
}

async function consumedPoints(api: TestApi, key: string): Promise<number | undefined> {
  const { rows } = await sql<{ points: number }>`select points from rate_limits where key = ${key}`.execute(
    api.database.db,
  );
  return rows[0]?.points;
}

describe('sign-in limit per account, under concurrency', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ LOGIN_LIMIT_PER_ACCOUNT: '10', LOGIN_LIMIT_PER_IP: '10000' });
  });
  afterAll(() => api?.stop());

  it('lets exactly 10 of 30 parallel wrong passwords be tried; the rest are 429 with Retry-After', async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => login(api, 'buyer@example.com', `wrong password ${i}`)),
    );
    expect(count(answers, 401)).toBe(10);
    expect(count(answers, 429)).toBe(20);
    expect(answers.every((a) => a.status === 401 || a.status === 429)).toBe(true);
    expectRateLimited(answers);
    // Every attempt was counted, the refused ones too.
    expect(await consumedPoints(api, 'login-account:buyer@example.com')).toBe(30);

    // While blocked, the right password is refused too, and issues no session.
    const right = await login(api, 'Buyer@Example.com', 'stockroom');
    expect(right).toMatchObject({ status: 429, appCode: 'RATE_LIMITED' });
    expect(right.result).toBeUndefined();
    // Another account from the same address is not affected.
    expect((await login(api, 'staff@example.com', 'stockroom')).status).toBe(200);
  });

  it('gives a successful sign-in its point back, so successes never use up the budget', async () => {
    const email = 'seller@example.com';
    for (let i = 0; i < 15; i++) expect((await login(api, email, 'stockroom')).status).toBe(200);
    expect(await consumedPoints(api, `login-account:${email}`)).toBe(0);
    // Nine failures, then successes: still allowed, and the failures stay counted.
    for (let i = 0; i < 9; i++) expect((await login(api, email, `wrong ${i}`)).status).toBe(401);
    expect((await login(api, email, 'stockroom')).status).toBe(200);
    expect((await login(api, email, 'stockroom')).status).toBe(200);
    expect(await consumedPoints(api, `login-account:${email}`)).toBe(9);
    // The tenth failure uses the last point; the next attempt is refused, right password or not.
    expect((await login(api, email, 'wrong 10')).status).toBe(401);
    expect(await login(api, email, 'stockroom')).toMatchObject({ status: 429, appCode: 'RATE_LIMITED' });
  });
});

describe('sign-in limit per address, under concurrency', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({
      LOGIN_LIMIT_PER_ACCOUNT: '10000',
      LOGIN_LIMIT_PER_IP: '10',
      TRUST_PROXY: 'true',
    });
  });
  afterAll(() => api?.stop());

  it('lets exactly 10 of 30 parallel guesses at different accounts from one address be tried', async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        login(api, `guess-${i}@example.com`, 'some password', '203.0.113.7'),
      ),
    );
    expect(count(answers, 401)).toBe(10);
    expect(count(answers, 429)).toBe(20);
    expectRateLimited(answers);
    // That address is blocked even for a real account with its right password…
    expect(await login(api, 'buyer@example.com', 'stockroom', '203.0.113.7')).toMatchObject({
      status: 429,
      appCode: 'RATE_LIMITED',
    });
    // …and nobody else is.
    expect((await login(api, 'buyer@example.com', 'stockroom', '198.51.100.9')).status).toBe(200);
  });

  it('refunds the address too on success', async () => {
    const ip = '198.51.100.20';
    for (let i = 0; i < 20; i++)
      expect((await login(api, 'buyer@example.com', 'stockroom', ip)).status).toBe(200);
    expect(await consumedPoints(api, `login-ip:${ip}`)).toBe(0);
  });
});

describe('sign-up limit per address', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ REGISTER_LIMIT_PER_IP: '5', TRUST_PROXY: 'true' });
  });
  afterAll(() => api?.stop());

  it('accepts exactly 5 of 12 parallel sign-ups from one address and creates only those accounts', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        register(
          api,
          { email: `burst-${i}@signup.test`, password: 'a long enough password', name: `Burst ${i}` },
          '203.0.113.50',
        ),
      ),
    );
    expect(count(answers, 200)).toBe(5);
    expect(count(answers, 429)).toBe(7);
    expectRateLimited(answers);
    expect(await userCount(api, '%@signup.test')).toBe(5);
    // Another address still signs up.
    const other = await register(
      api,
      { email: 'other-address@signup.test', password: 'a long enough password', name: 'Other' },
      '198.51.100.50',
    );
    expect(other.status).toBe(200);
    expect(await userCount(api, '%@signup.test')).toBe(6);
  });
});

describe('bounded password hashing', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({
      PASSWORD_HASH_CONCURRENCY: '1',
      PASSWORD_HASH_QUEUE: '2',
      REGISTER_LIMIT_PER_IP: '1000',
    });
  });
  afterAll(() => api?.stop());

  it('runs one hash at a time, queues two, and answers the rest 429 while /health stays up', async () => {
    const burst = Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        register(api, { email: `hash-${i}@bound.test`, password: 'a long enough password', name: `H ${i}` }),
      ),
    );
    const health = await fetch(`${api.url}/health`);
    const answers = await burst;
    expect(health.status).toBe(200);
    expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
    expect(count(answers, 429)).toBeGreaterThan(0);
    expectRateLimited(answers);
    const stats = passwordHashStats();
    expect(stats.maxActive).toBe(1);
    expect(stats.refused).toBe(count(answers, 429));
    // A refused sign-up created nothing; each accepted one created its account.
    expect(await userCount(api, '%@bound.test')).toBe(count(answers, 200));
  });

  it('does not count a sign-in the busy server never tried', async () => {
    // Fill the queue with sign-ups, and sign in at the same time: a refused sign-in keeps no point.
    const results = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) =>
        register(api, { email: `busy-${i}@bound.test`, password: 'a long enough password', name: 'B' }),
      ),
      ...Array.from({ length: 10 }, (_, i) => login(api, 'buyer@example.com', `wrong ${i}`)),
    ]);
    const logins = results.slice(10);
    expect(logins.every((a) => a.status === 401 || a.status === 429)).toBe(true);
    expect(await consumedPoints(api, 'login-account:buyer@example.com')).toBe(count(logins, 401));
  });
});

describe('registration reveals nothing about existing emails', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api?.stop());

  it('answers a taken email exactly like a new one, after the same hashing work', async () => {
    const before = await userCount(api);
    const hashes = () => passwordHashStats().started;

    let started = hashes();
    const fresh = await register(api, {
      email: 'newcomer@example.com',
      password: 'a long enough password',
      name: 'Newcomer',
    });
    const freshHashes = hashes() - started;

    started = hashes();
    const taken = await register(api, {
      email: 'BUYER@example.com',
      password: 'an attacker password',
      name: 'Attacker',
    });
    const takenHashes = hashes() - started;

    expect(fresh).toEqual(taken);
    expect(fresh.status).toBe(200);
    expect(fresh.result).toEqual({
      status: 'accepted',
      message: 'If this email was not registered yet, the account is ready: sign in with auth.login',
    });
    expect(freshHashes).toBe(1);
    expect(takenHashes).toBe(freshHashes);
    expect(await userCount(api)).toBe(before + 1);

    // The new account signs in; the existing one is untouched and refuses the attacker's password.
    expect((await login(api, 'newcomer@example.com', 'a long enough password')).status).toBe(200);
    expect((await login(api, 'buyer@example.com', 'an attacker password')).status).toBe(401);
    expect((await login(api, 'buyer@example.com', 'stockroom')).status).toBe(200);
  });
});

describe('password rules', () => {
  let api: TestApi;
  let adminToken: string;
  beforeAll(async () => {
    api = await startTestApi();
    adminToken = await api.login('admin@example.com');
  });
  afterAll(() => api?.stop());

  const cases: { label: string; password: string; name?: string; email?: string; message: RegExp }[] = [
    { label: 'the old 8-character minimum', password: '12345678', message: /at least 12 characters/ },
    { label: '11 characters', password: 'kettle-drum', message: /at least 12 characters/ },
    { label: 'a common password', password: 'password1234', message: /too common/ },
    { label: 'a common password in capitals', password: 'QWERTY123456', message: /too common/ },
    { label: 'a keyboard walk', password: '1qaz2wsx3edc', message: /too common/ },
    { label: 'one character repeated', password: 'aaaaaaaaaaaaaaaa', message: /too common/ },
    { label: 'the product name', password: 'Stockroom2024!', message: /email or name/ },
    {
      label: 'the email',
      email: 'jane.doe@example.com',
      password: 'jane.doe@example.com',
      message: /email or name/,
    },
    {
      label: 'the name',
      email: 'jd@example.com',
      name: 'Jane Doe',
      password: 'JaneDoe-JaneDoe-1',
      message: /email or name/,
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.label} on sign-up and on users.create, creating nothing`, async () => {
      const email = c.email ?? `rules-${crypto.randomUUID()}@example.com`;
      const name = c.name ?? 'Rules Tester';
      const before = await userCount(api);
      const answer = await register(api, { email, password: c.password, name });
      expect(answer).toMatchObject({ status: 400, appCode: 'VALIDATION_FAILED' });
      expect(answer.message).toMatch(/^password: /);
      expect(answer.message).toMatch(c.message);

      const res = await fetch(`${api.url}/trpc/users.create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ email, password: c.password, name, role: 'staff' }),
      });
      const body = (await res.json()) as { error?: { message: string; data: { appCode: string } } };
      expect(res.status).toBe(400);
      expect(body.error?.data.appCode).toBe('VALIDATION_FAILED');
      expect(body.error?.message).toMatch(c.message);
      expect(await userCount(api)).toBe(before);
    });
  }

  it('accepts a long passphrase with no composition rules', async () => {
    const answer = await register(api, {
      email: 'passphrase@example.com',
      password: 'correct horse battery staple',
      name: 'Passphrase',
    });
    expect(answer.status).toBe(200);
    expect((await login(api, 'passphrase@example.com', 'correct horse battery staple')).status).toBe(200);
  });
});
