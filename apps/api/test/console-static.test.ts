/**
 * The console is rebuilt while the API runs (a deploy, `vite build` during the
 * tests): the API must serve the new build at once, and a file that is not on
 * disk (an asset of the old build) must be a 404 — never index.html served as
 * JavaScript, which leaves a blank page until a restart.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';

const consoleDir = fileURLToPath(new URL('../../console', import.meta.url));
const dist = mkdtempSync(path.join(tmpdir(), 'stockroom-console-'));

/** A real build of the console (its own `build` script, `vite build`) into `dist`, emptied first as vite does. */
function buildConsole(extra: string[] = []) {
  execFileSync('pnpm', ['run', 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'error', ...extra], {
    cwd: consoleDir,
    stdio: 'inherit',
  });
}

/** The entry script the served index.html points at. */
async function entryScript(api: TestApi): Promise<string> {
  const response = await fetch(`${api.url}/`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/text\/html/);
  expect(response.headers.get('cache-control')).toBe('no-cache');
  const src = /<script[^>]+src="([^"]+\.js)"/.exec(await response.text())?.[1];
  expect(src).toMatch(/^\/assets\/index-.+\.js$/);
  return src as string;
}

async function expectScript(api: TestApi, src: string) {
  const response = await fetch(`${api.url}${src}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/javascript/);
  expect(response.headers.get('cache-control')).toContain('immutable');
  expect(await response.text()).not.toMatch(/<!doctype html>/i);
}

let api: TestApi;
beforeAll(async () => {
  buildConsole();
  api = await startTestApi({ CONSOLE_DIST: dist });
}, 120_000);
afterAll(async () => {
  await api?.stop();
  rmSync(dist, { recursive: true, force: true });
});

describe('serving the console build', () => {
  it('serves a build made while the API runs, and 404s the old build’s assets', async () => {
    const before = await entryScript(api);
    await expectScript(api, before);

    // A different build (unminified, so every hash changes) replaces the first.
    buildConsole(['--minify', 'false']);
    const after = await entryScript(api);
    expect(after).not.toBe(before);
    await expectScript(api, after);

    const stale = await fetch(`${api.url}${before}`);
    expect(stale.status).toBe(404);
    expect(stale.headers.get('content-type')).toMatch(/application\/json/);
    expect(await stale.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  }, 120_000);

  it('answers client-side routes with index.html and unknown files and API paths with 404', async () => {
    const route = await fetch(`${api.url}/orders/0b8e7c7e-1111-4a4a-9b9b-222222222222`);
    expect(route.status).toBe(200);
    expect(route.headers.get('content-type')).toMatch(/text\/html/);

    for (const missing of ['/assets/nope-123.js', '/favicon.png', '/api/v2/things', '/trpc-ish.js']) {
      const response = await fetch(`${api.url}${missing}`);
      expect(response.status, missing).toBe(404);
      expect(response.headers.get('content-type'), missing).toMatch(/application\/json/);
    }
  });
});

describe('what the static files cannot serve', () => {
  /** A raw GET (fetch would normalise `..` away). */
  const rawGet = (url: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${api.url}${url}`, { method: 'GET', path: url }, (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('a path outside the build or a segment too long for a file is 404 NOT_FOUND, not 403', async () => {
    for (const url of ['/../../etc/passwd', '/assets/../../package.json', `/x/${'a'.repeat(6000)}`]) {
      const answer = await rawGet(url);
      expect({ url: url.slice(0, 40), status: answer.status }).toEqual({
        url: url.slice(0, 40),
        status: 404,
      });
      expect(JSON.parse(answer.body).error.code).toBe('NOT_FOUND');
      expect(answer.body).not.toMatch(/root:|"name"|at .*\.js/);
    }
  });
});
