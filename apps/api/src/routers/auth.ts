import { authenticate, getUser, registerBuyer, ZLoginInput, ZRegisterInput } from '@stockroom/core';
import { MappedError } from '../errors.js';
import { rest, ZLogoutOut, ZMeOut, ZRegisterOut, ZSessionOut } from '../schemas.js';
import { authedProcedure, publicProcedure, router } from '../trpc.js';

const invalidCredentials = () =>
  new MappedError({ appCode: 'UNAUTHENTICATED', message: 'Email or password is not right', details: {} });

const tooMany = (what: string, wait: number) =>
  new MappedError({
    appCode: 'RATE_LIMITED',
    message: `Too many ${what}; try again in ${wait} s`,
    details: { retryAfterSeconds: wait },
    retryAfter: wait,
  });

/** What auth.register answers, whether the email was free or not (API.md). */
const REGISTER_ACCEPTED = {
  status: 'accepted',
  message: 'If this email was not registered yet, the account is ready: sign in with auth.login',
} as const;

/**
 * Sign-in and sign-up. These calls take no idempotency key: they act for no
 * principal yet, and a replayed answer would hand one caller's session to another.
 */
export const authRouter = router({
  login: publicProcedure
    .meta({
      openapi: rest(
        'POST',
        '/auth/login',
        'auth',
        'Sign in: a session token for `Authorization: Bearer`',
        false,
      ),
    })
    .input(ZLoginInput)
    .output(ZSessionOut)
    .mutation(async ({ ctx, input }) => {
      const { limits, sessions } = ctx.services;
      // Count first: every attempt takes its point before the password is checked.
      const wait = await limits.consumeLogin(input.email, ctx.ip);
      if (wait !== undefined) throw tooMany('sign-in attempts', wait);
      let user: Awaited<ReturnType<typeof authenticate>>;
      try {
        user = await authenticate(ctx.db, input.email, input.password);
      } catch (error) {
        // Not tried (the hashing queue was full, the database was away): not an attempt.
        await limits.refundLogin(input.email, ctx.ip).catch(() => undefined);
        throw error;
      }
      if (!user) throw invalidCredentials();
      await limits.refundLogin(input.email, ctx.ip);
      const { token, expiresAt } = await sessions.issue(user, { ip: ctx.ip, userAgent: ctx.userAgent });
      return { token, expiresAt, user };
    }),

  register: publicProcedure
    .meta({ openapi: rest('POST', '/auth/register', 'auth', 'Sign up as a buyer', false) })
    .input(ZRegisterInput)
    .output(ZRegisterOut)
    .mutation(async ({ ctx, input }) => {
      const wait = await ctx.services.limits.consumeRegister(ctx.ip);
      if (wait !== undefined) throw tooMany('sign-ups from this address', wait);
      await registerBuyer({ db: ctx.db }, input);
      return { ...REGISTER_ACCEPTED };
    }),

  /** Sign out: this session's token is refused from now on, in every process. */
  logout: authedProcedure
    .meta({ scope: 'any', openapi: rest('POST', '/auth/logout', 'auth', 'Sign out this session') })
    .output(ZLogoutOut)
    .mutation(async ({ ctx }) => {
      if (ctx.actor.kind === 'user' && ctx.token) await ctx.services.sessions.revoke(ctx.token);
      return { signedOut: ctx.actor.kind === 'user' };
    }),

  me: authedProcedure
    .meta({ scope: 'any', openapi: rest('GET', '/auth/me', 'auth', 'Who is asking') })
    .output(ZMeOut)
    .query(async ({ ctx }) => {
      if (ctx.actor.kind !== 'user') {
        return {
          id: ctx.actor.kind === 'service' ? ctx.actor.id : '',
          email: null,
          name: ctx.actor.kind === 'service' ? ctx.actor.name : 'system',
          role: 'service' as const,
          warehouseIds: [],
        };
      }
      const user = await getUser(ctx.db, ctx.actor.id);
      if (!user?.active)
        throw new MappedError({
          appCode: 'UNAUTHENTICATED',
          message: 'This account no longer exists or is disabled',
          details: {},
        });
      return {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        warehouseIds: user.warehouseIds,
      };
    }),
});
