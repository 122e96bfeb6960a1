/**
 * What other packages may import from the API: types only. The console and the
 * checkout service use `import type { AppRouter } from '@stockroom/api'`.
 */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './router.js';

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
