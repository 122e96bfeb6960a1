#!/usr/bin/env node
/**
 * What the tests need from the system besides Node.js, found or installed before
 * they run (`pnpm test` and `pnpm e2e` call this first):
 *
 * - Chromium for the Playwright end-to-end tests (Playwright's own browser
 *   downloads are not used): $CHROMIUM_PATH, /usr/bin/chromium or
 *   chromium-browser. Required.
 * - PostgreSQL 15's server and client tools (initdb, pg_dump, pg_restore) in
 *   /usr/lib/postgresql/15/bin for the backup test, which is skipped without
 *   them. Wanted, not required.
 * - PgBouncer, Patroni, etcd and HAProxy (Debian's pgbouncer, patroni,
 *   etcd-server, haproxy) for `pnpm test:pgbouncer` and `pnpm test:ha`, which
 *   fail without them. Required unless only Chromium is asked for.
 *
 * When something is missing and we are root with apt-get, it is installed
 * (`apt-get install -y --no-install-recommends …`); otherwise the exact command
 * is printed and, for Chromium, the run stops here with exit code 1.
 * When everything is there it does nothing. Usage:
 *   node scripts/ensure-system-deps.mjs            # everything the tests need
 *   node scripts/ensure-system-deps.mjs chromium   # only what `pnpm e2e` needs
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

const PG_BIN = '/usr/lib/postgresql/15/bin';

const executable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** `name` on the PATH, or undefined. */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && executable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** Same order as apps/console/playwright.config.ts. */
function findChromium() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH; // checked above
  for (const file of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (executable(file)) return file;
  return onPath('chromium') ?? onPath('chromium-browser');
}

const findPostgres15 = () =>
  ['initdb', 'postgres', 'pg_ctl', 'pg_dump', 'pg_restore'].every((tool) =>
    executable(path.join(PG_BIN, tool)),
  )
    ? PG_BIN
    : undefined;

const found = (file) => (executable(file) ? file : undefined);

const DEPS = [
  { name: 'chromium', find: findChromium, debian: 'chromium', required: true, for: 'the end-to-end tests' },
  {
    name: 'postgresql-15',
    find: findPostgres15,
    debian: 'postgresql-15',
    required: false,
    for: 'the backup test',
  },
  {
    name: 'pgbouncer',
    find: () => found('/usr/sbin/pgbouncer'),
    debian: 'pgbouncer',
    required: true,
    for: 'the PgBouncer and HA tests',
  },
  {
    name: 'patroni',
    find: () => found('/usr/bin/patroni'),
    debian: 'patroni',
    required: true,
    for: 'the HA test',
  },
  {
    name: 'etcd',
    find: () => found('/usr/bin/etcd'),
    debian: 'etcd-server',
    required: true,
    for: 'the HA test',
  },
  {
    name: 'haproxy',
    find: () => found('/usr/sbin/haproxy'),
    debian: 'haproxy',
    required: true,
    for: 'the HA test',
  },
];

if (process.env.CHROMIUM_PATH && !executable(process.env.CHROMIUM_PATH)) {
  console.error(
    `ensure-system-deps: CHROMIUM_PATH=${process.env.CHROMIUM_PATH} is not an executable file; fix or unset it`,
  );
  process.exit(1);
}

const wantedNames = process.argv.slice(2);
const unknown = wantedNames.filter((n) => !DEPS.some((d) => d.name === n));
if (unknown.length > 0) {
  console.error(
    `ensure-system-deps: unknown dependency ${unknown.join(', ')} (known: ${DEPS.map((d) => d.name).join(', ')})`,
  );
  process.exit(2);
}
const deps = wantedNames.length > 0 ? DEPS.filter((d) => wantedNames.includes(d.name)) : DEPS;

let missing = deps.filter((d) => !d.find());
if (missing.length === 0) process.exit(0);

const packages = missing.map((d) => d.debian);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const apt = onPath('apt-get');

if (isRoot && apt) {
  console.log(
    `ensure-system-deps: installing ${packages.join(', ')} (${missing.map((d) => d.for).join(', ')})`,
  );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync(apt, args, { stdio: 'inherit', env }).status === 0;
  if (!run(['update']) || !run(['install', '-y', '--no-install-recommends', ...packages])) {
    // One package may not exist on this release (postgresql-15 is Debian 12's): try each alone.
    for (const pkg of packages) run(['install', '-y', '--no-install-recommends', pkg]);
  }
  missing = missing.filter((d) => !d.find());
}

for (const d of missing) {
  const how = isRoot && apt ? 'could not be installed' : 'is missing';
  const sudo = isRoot ? '' : 'sudo ';
  const fix = `${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends ${d.debian}`;
  const extra = d.name === 'chromium' ? ' (or set CHROMIUM_PATH to a Chromium or Chrome binary)' : '';
  const stream = d.required ? console.error : console.warn;
  stream(
    `ensure-system-deps: ${d.name} ${how}; ${d.for} ${d.required ? 'cannot run' : 'will be skipped'}.\n` +
      `  Install it with: ${fix}${extra}`,
  );
}
if (missing.some((d) => d.required)) process.exit(1);
