/**
 * Service tokens, managed by admins (API.md "serviceTokens.*"): create (the
 * secret shown once), list (never a secret), revoke, rotate (the old secret
 * valid for a grace period). Over tRPC and REST (/api/v1/service-tokens).
 */
import {
  createServiceToken,
  listServiceTokens,
  revokeServiceToken,
  rotateServiceToken,
  SERVICE_SCOPES,
  ZCreateServiceTokenInput,
  ZListServiceTokensInput,
  ZRotateServiceTokenInput,
  ZServiceTokenIdInput,
} from '@stockroom/core';
import { z } from 'zod';
import { allow, idempotentMutation, router } from '../trpc.js';

const ZServiceTokenOut = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(SERVICE_SCOPES)),
  warehouseIds: z.array(z.string()).nullable(),
  status: z.enum(['active', 'expired', 'revoked', 'refused']),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  rotatedAt: z.string().nullable(),
  previousValidUntil: z.string().nullable(),
});
/** `token` is the secret, shown this once; null when an idempotent replay answers. */
const ZIssuedOut = ZServiceTokenOut.extend({ token: z.string().nullable() });
const ZPageOut = z.object({ items: z.array(ZServiceTokenOut), nextCursor: z.string().nullable() });

const tags = ['service tokens'];

export const serviceTokensRouter = router({
  create: idempotentMutation({
    allow: ['admin'],
    meta: {
      openapi: {
        method: 'POST',
        path: '/service-tokens',
        tags,
        summary: 'Create a service token (the secret is shown once)',
        protect: true,
      },
    },
    input: ZCreateServiceTokenInput,
    output: ZIssuedOut,
    run: createServiceToken,
  }),
  list: allow('admin')
    .meta({
      openapi: {
        method: 'GET',
        path: '/service-tokens',
        tags,
        summary: 'Service tokens (no secrets), newest first',
        protect: true,
      },
    })
    .input(ZListServiceTokensInput.optional())
    .output(ZPageOut)
    .query(({ ctx, input }) => listServiceTokens(ctx.db, ctx.actor, input ?? {})),
  revoke: idempotentMutation({
    allow: ['admin'],
    meta: {
      openapi: {
        method: 'POST',
        path: '/service-tokens/{id}/revoke',
        tags,
        summary: 'Revoke a service token (refused everywhere within seconds)',
        protect: true,
      },
    },
    input: ZServiceTokenIdInput,
    output: ZServiceTokenOut,
    run: revokeServiceToken,
  }),
  rotate: idempotentMutation({
    allow: ['admin'],
    meta: {
      openapi: {
        method: 'POST',
        path: '/service-tokens/{id}/rotate',
        tags,
        summary: 'A new secret; the old one stays valid for graceSeconds (default 86400)',
        protect: true,
      },
    },
    input: ZRotateServiceTokenInput,
    output: ZIssuedOut,
    run: rotateServiceToken,
  }),
});
