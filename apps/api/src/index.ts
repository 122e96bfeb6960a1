/**
 * What other packages may import from the API: types only. The console and the
 * checkout service use `import type { AppRouter } from '@stockroom/api'`.
 */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppErrorInfo } from './errors.js';
import type { AppRouter } from './router.js';

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
/** Every error answer's stable code (`error.data.appCode`, REST `error.code`). */
export type AppCode = AppErrorInfo['appCode'];
/** The event catalogue's types (core's events/catalogue.ts): every event type, its payload, the webhook subset. */
export type { EventCatalogue, EventType, StockroomEvent, WebhookEventType } from '@stockroom/core';
