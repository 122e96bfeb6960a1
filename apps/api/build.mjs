/**
 * The API's runtime bundle, for `node` without tsx:
 *
 *   dist/instrumentation.js  loaded first (`--import`), tracing when configured
 *   dist/main.js             the server (`pnpm start:prod`)
 *   dist/cli.js              the operator CLI
 *
 * The workspace packages (@stockroom/core, @stockroom/db) ship TypeScript
 * sources, so they are bundled in. Every other package stays an import,
 * resolved from this package's node_modules at run time (native modules such as
 * argon2 and the embedded PostgreSQL cannot be bundled, and pg must stay a
 * module of its own for its tracing instrumentation). So each of them must be a
 * dependency of @stockroom/api: the build fails, naming it, when one is not.
 */
import { existsSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';

const here = import.meta.dirname;
const missing = new Set();

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const externalPackages = {
  name: 'external-packages',
  setup(bundle) {
    bundle.onResolve({ filter: /^[^./]/ }, ({ path: specifier }) => {
      if (specifier.startsWith('@stockroom/')) return undefined;
      if (isBuiltin(specifier)) return { external: true };
      const name = packageName(specifier);
      if (!existsSync(path.join(here, 'node_modules', name))) missing.add(name);
      return { external: true };
    });
  },
};

await build({
  entryPoints: ['src/main.ts', 'src/instrumentation.ts', 'src/cli.ts'].map((entry) => path.join(here, entry)),
  outdir: path.join(here, 'dist'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [externalPackages],
});

if (missing.size > 0) {
  console.error(
    `The bundle imports packages @stockroom/api does not depend on: ${[...missing].join(', ')}.\n` +
      'Add them to apps/api/package.json (pnpm add --filter @stockroom/api <name>@catalog:).',
  );
  process.exit(1);
}
