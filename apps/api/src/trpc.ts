/**
 * What routers build procedures from: the router factory, the procedure kinds
 * (public, signed in, by principal, live) and `idempotentMutation`, the one
 * way to declare a write. The pieces live in ./trpc: the root and its error
 * formatter (init.ts), one file per middleware (middleware/), the procedure
 * stacks (procedures.ts), and the zod-internals workaround (zod-coercion.ts).
 */
import { t } from './trpc/init.js';

export { idempotentMutation } from './trpc/idempotent-mutation.js';
export type { Context } from './trpc/init.js';
export { allow, authedProcedure, liveFor, publicProcedure } from './trpc/procedures.js';

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
