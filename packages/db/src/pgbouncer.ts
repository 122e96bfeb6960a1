/**
 * A real PgBouncer (Debian's `pgbouncer` package) in transaction pooling mode in
 * front of a PostgreSQL server, for tests and the HA suite: every database of
 * the server is reachable through it under the same name. As root it runs as
 * the `postgres` system user (PgBouncer refuses to run as root).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './embedded.js';

export const PGBOUNCER_BIN = '/usr/sbin/pgbouncer';

export interface PgBouncerOptions {
  /** The server behind it: host, port, and the one user (with its password) clients log in as. */
  server: { host: string; port: number; user: string; password: string };
  /** Port to listen on (127.0.0.1); a free one when omitted. */
  port?: number;
  /** Server connections per database and user (default 20). */
  poolSize?: number;
  /** A client waiting this long for a server connection gets an error (08P01; default 60). */
  queryWaitTimeoutSeconds?: number;
  onLog?: (line: string) => void;
}

export interface PgBouncer {
  port: number;
  /** `url` with the host and port of the pooler instead of the server's. */
  pooled(url: string): string;
  stop(): Promise<void>;
}

/** uid/gid of the `postgres` system user when we are root (servers refuse to run as root). */
export function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;

export async function startPgBouncer(options: PgBouncerOptions): Promise<PgBouncer> {
  if (!existsSync(PGBOUNCER_BIN)) {
    throw new Error(
      `${PGBOUNCER_BIN} is missing: apt-get install -y pgbouncer (scripts/ensure-system-deps.mjs)`,
    );
  }
  const port = options.port ?? (await freePort());
  const dir = await mkdtemp(path.join(tmpdir(), 'stockroom-pgbouncer-'));
  await chmod(dir, 0o755);
  const { server } = options;
  const ini = `[databases]
* = host=${server.host} port=${server.port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = ${dir}/users.txt
pool_mode = transaction
default_pool_size = ${options.poolSize ?? 20}
max_client_conn = 5000
max_db_connections = 0
server_idle_timeout = 10
server_lifetime = 300
server_connect_timeout = 5
server_login_retry = 1
query_wait_timeout = ${options.queryWaitTimeoutSeconds ?? 60}
ignore_startup_parameters = extra_float_digits
logfile =
pidfile =
log_connections = 0
log_disconnections = 0
`;
  await writeFile(path.join(dir, 'pgbouncer.ini'), ini, { mode: 0o644 });
  await writeFile(path.join(dir, 'users.txt'), `${quote(server.user)} ${quote(server.password)}\n`, {
    mode: 0o644,
  });
  const user = postgresUser();
  const child: ChildProcess = spawn(PGBOUNCER_BIN, [path.join(dir, 'pgbouncer.ini')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(user ?? {}),
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-20_000);
    options.onLog?.(text);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const until = Date.now() + 15_000;
  while (!(await canConnect('127.0.0.1', port))) {
    if (child.exitCode !== null || Date.now() > until) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`pgbouncer did not start on port ${port}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    pooled(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        // SIGINT: "safe shutdown", waits for transactions in flight; SIGTERM ends at once.
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
