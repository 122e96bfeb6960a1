/**
 * The built console (CONSOLE_DIST): its files, and its client-side routes
 * falling back to index.html. Anything else unknown is a 404 in the REST error
 * shape.
 *
 * Files are looked up on disk per request (`wildcard: true`), not from a list
 * taken at start, so a console rebuilt under a running API (a deploy, or `vite
 * build` during the tests) is served at once. A request for a file that is not
 * there (an asset of an older build, a typo) is a 404 — never index.html served
 * as JavaScript, which would leave a blank page. Hashed assets are cached for
 * good; index.html is revalidated on every load so a new build is picked up.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Env } from './env.js';
import { notFound } from './error-handler.js';

const API_PATH = /^\/(trpc|api|auth|health|ready|metrics)(\/|$)/;
/** A path whose last segment has an extension names a file, not a console route. */
const FILE_PATH = /\/[^/]*\.[^/]*$/;

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

export async function registerConsole(app: FastifyInstance, env: Env): Promise<void> {
  const root = path.resolve(env.CONSOLE_DIST);
  const index = path.join(root, 'index.html');
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // A missing build is not an error at start: it may be built later.
    suppressWarning: true,
    cacheControl: false,
    setHeaders: (reply, file) => {
      const hashed = path.relative(root, file).startsWith(`assets${path.sep}`);
      reply.header('cache-control', hashed ? IMMUTABLE : REVALIDATE);
    },
  });
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?', 1)[0] ?? '/';
    const consoleRoute =
      (request.method === 'GET' || request.method === 'HEAD') &&
      !API_PATH.test(pathname) &&
      !FILE_PATH.test(pathname);
    // While no build is on disk (or during a rebuild) there is no index.html: a 404.
    if (!consoleRoute || !existsSync(index)) return notFound(reply);
    return reply.header('cache-control', REVALIDATE).sendFile('index.html', { cacheControl: false });
  });
}
