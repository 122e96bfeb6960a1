/**
 * The demo seed's well-known credentials (`dev-service-token`, and the demo
 * accounts with password `stockroom`). A production process refuses them even
 * when a demo seed was run against its database: the API turns this on at
 * start when NODE_ENV=production (one switch per process).
 */
import {
  type Db,
  DEMO_PASSWORD,
  DEMO_SERVICE_TOKEN,
  DEMO_USERS,
  hashToken,
  verifyPassword,
} from '@stockroom/db';
import { sql } from 'kysely';

let refused = false;

export function refuseDemoCredentials(value: boolean): void {
  refused = value;
}

export const demoCredentialsRefused = (): boolean => refused;

export const isDemoServiceToken = (token: string): boolean => token === DEMO_SERVICE_TOKEN;

const DEMO_EMAILS = new Set(DEMO_USERS.map((u) => u.email));

/** A demo account signing in with the demo password. */
export const isDemoLogin = (email: string, password: string): boolean =>
  password === DEMO_PASSWORD && DEMO_EMAILS.has(email.trim().toLowerCase());

/** Which demo credentials would work against this database (for the start-up warning). */
export async function findDemoCredentials(db: Db): Promise<string[]> {
  const found: string[] = [];
  const token = await db
    .selectFrom('serviceTokens')
    .select('id')
    .where('tokenHash', '=', hashToken(DEMO_SERVICE_TOKEN))
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  if (token) found.push(DEMO_SERVICE_TOKEN);
  const users = await db
    .selectFrom('users')
    .select(['email', 'passwordHash'])
    .where(sql`lower(email)`, 'in', [...DEMO_EMAILS])
    .where('active', '=', true)
    .orderBy('email')
    .execute();
  for (const user of users) {
    if (await verifyPassword(user.passwordHash, DEMO_PASSWORD))
      found.push(`${user.email} / ${DEMO_PASSWORD}`);
  }
  return found;
}
