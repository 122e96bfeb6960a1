/**
 * Sign-in, registration and sessions, through createCaller: the bad-input
 * table of auth.login and auth.register, then the role table; a forged token
 * is anonymous, and sign-in failures say nothing about whether an email exists.
 * The per-account sign-in limit: auth.login-limit.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { MUTATIONS, ROWS } from './auth.tables.js';
import { attempt, callerFor, useApi } from './kit/api.js';
import { badInputTable } from './kit/bad-input.js';
import { PASSWORD } from './kit/fixture.js';
import { roleSuite } from './kit/roles.js';

const server = useApi();
badInputTable(() => server.api, MUTATIONS);

roleSuite(server, ROWS, {
  afterwards: (fx) => {
    it('a forged or expired-looking token is anonymous, not an error', async () => {
      for (const token of ['not-a-token', 'a.b.c', `${'x'.repeat(600)}`]) {
        const result = await attempt(() => callerFor(fx().api, token).auth.me());
        expect(result.outcome).toBe('UNAUTHENTICATED');
      }
    });

    describe('sign-in failures', () => {
      const login = (email: string, password: string) =>
        attempt(() => callerFor(fx().api).auth.login({ email, password }));
      const visible = (answer: Awaited<ReturnType<typeof login>>) => ({
        status: answer.status,
        message: answer.message,
        appCode: answer.outcome,
        details: answer.details,
      });

      it('say the same for an unknown email, a wrong password and a disabled account', async () => {
        const disabled = await fx().callers.admin.users.create({
          email: 'disabled@example.com',
          password: PASSWORD,
          name: 'Disabled',
          role: 'buyer',
        });
        await fx().callers.admin.users.update({ id: disabled.id, active: false });

        const unknown = visible(await login('nobody-here@example.com', 'stockroom'));
        expect(unknown).toMatchObject({ status: 401, appCode: 'UNAUTHENTICATED' });
        expect(visible(await login('buyer@example.com', 'not-the-password'))).toEqual(unknown);
        expect(visible(await login('BUYER@EXAMPLE.COM', 'not-the-password'))).toEqual(unknown);
        expect(visible(await login('disabled@example.com', PASSWORD))).toEqual(unknown);
        expect(visible(await login('', ''))).toEqual(unknown);
        expect(unknown.message).not.toMatch(/exist|unknown|no (such )?(user|account)|password is wrong/i);
        // The right password still works afterwards.
        expect((await login('buyer@example.com', 'stockroom')).outcome).toBe('ok');
      });
    });
  },
});
