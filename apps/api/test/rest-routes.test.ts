/**
 * docs/rest-routes.md: every procedure of the router with its REST route,
 * generated from the router (the same `openapi` meta the OpenAPI document is
 * made from). This test fails when the file is out of date; regenerate it with
 * `UPDATE_REST_ROUTES=1 pnpm exec vitest run test/rest-routes.test.ts` (in apps/api).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appRouter } from '../src/router.js';

const FILE = fileURLToPath(new URL('../../../docs/rest-routes.md', import.meta.url));

type Procedure = {
  _def: { type: string; meta?: { openapi?: { method: string; path: string; summary?: string } } };
};

/** A Markdown table with padded columns (as the formatter, Biome, writes them). */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function routesMarkdown(): string {
  const cells = Object.entries(appRouter._def.procedures as unknown as Record<string, Procedure>).map(
    ([name, { _def }]) => {
      const openapi = _def.meta?.openapi;
      const route = openapi
        ? `\`${openapi.method} /api/v1${openapi.path}\``
        : _def.type === 'subscription'
          ? 'none: a live stream (SSE), tRPC only'
          : 'none: tRPC only (the console demo)';
      const summary = (openapi?.summary ?? '').replaceAll('|', '\\|');
      return [`\`${name}\``, _def.type, route, summary];
    },
  );
  const rest = cells.filter(([, , route]) => route?.includes('/api/v1')).length;
  return [
    '# Every procedure and its REST route',
    '',
    '<!-- Generated from the router by apps/api/test/rest-routes.test.ts; do not edit by hand. -->',
    '',
    `${cells.length} procedures, ${rest} of them over REST. Each is also callable over tRPC at`,
    '`/trpc/<procedure>`. The REST routes are described field by field in',
    '`GET /api/v1/openapi.json`; send `Authorization: Bearer <token>` and, on writes,',
    'an optional `Idempotency-Key` header. Path parameters are the input fields of the same',
    'name; the other input fields go in the query string (GET) or the JSON body.',
    '',
    ...table(['procedure', 'kind', 'REST route', 'summary'], cells),
    '',
  ].join('\n');
}

describe('docs/rest-routes.md', () => {
  it('lists every procedure with its REST route, as the router declares them', () => {
    const expected = routesMarkdown();
    if (process.env.UPDATE_REST_ROUTES) writeFileSync(FILE, expected);
    expect(readFileSync(FILE, 'utf8')).toBe(expected);
  });
});
