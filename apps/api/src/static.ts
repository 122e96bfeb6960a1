/**
 * The built console (CONSOLE_DIST), when there is one: its files, and its
 * client-side routes falling back to index.html. Anything else unknown is a
 * 404 in the REST error shape.
 */
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Env } from './env.js';
import { notFound } from './error-handler.js';

const API_PATH = /^\/(trpc|api|health|ready|metrics)(\/|$)/;

export async function registerConsole(app: FastifyInstance, env: Env): Promise<void> {
  if (!existsSync(env.CONSOLE_DIST)) {
    app.setNotFoundHandler((_request, reply) => notFound(reply));
    return;
  }
  await app.register(fastifyStatic, { root: env.CONSOLE_DIST, prefix: '/', wildcard: false });
  app.setNotFoundHandler((request, reply) => {
    if (request.method === 'GET' && !API_PATH.test(request.url)) return reply.sendFile('index.html');
    return notFound(reply);
  });
}
