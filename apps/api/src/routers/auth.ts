import { authenticate, getUser, registerBuyer, ZLoginInput, ZRegisterInput } from '@stockroom/core';
import { MappedError } from '../errors.js';
import { authedProcedure, publicProcedure, router } from '../trpc.js';

const invalidCredentials = () =>
  new MappedError({ appCode: 'UNAUTHENTICATED', message: 'Email or password is not right', details: {} });

/**
 * Sign-in and sign-up. These calls take no idempotency key: they act for no
 * principal yet, and a replayed answer would hand one caller's session to another.
 */
export const authRouter = router({
  login: publicProcedure.input(ZLoginInput).mutation(async ({ ctx, input }) => {
    const { limits, sessions } = ctx.services;
    const wait = await limits.loginBlocked(input.email, ctx.ip);
    if (wait !== undefined) {
      throw new MappedError({
        appCode: 'RATE_LIMITED',
        message: `Too many sign-in attempts; try again in ${wait} s`,
        details: { retryAfterSeconds: wait },
        retryAfter: wait,
      });
    }
    const user = await authenticate(ctx.db, input.email, input.password);
    if (!user) {
      await limits.loginFailed(input.email, ctx.ip);
      throw invalidCredentials();
    }
    await limits.loginSucceeded(input.email);
    const { token, expiresAt } = await sessions.issue(user, {
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
    return { token, expiresAt, user };
  }),

  register: publicProcedure.input(ZRegisterInput).mutation(async ({ ctx, input }) => {
    const user = await registerBuyer({ db: ctx.db, actor: { kind: 'system', name: 'signup' } }, input);
    const { token, expiresAt } = await ctx.services.sessions.issue(user, {
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
    return { token, expiresAt, user };
  }),

  /** Sign out: this session's token is refused from now on, in every process. */
  logout: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.actor.kind === 'user' && ctx.token) await ctx.services.sessions.revoke(ctx.token);
    return { signedOut: ctx.actor.kind === 'user' };
  }),

  me: authedProcedure.query(async ({ ctx }) => {
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
