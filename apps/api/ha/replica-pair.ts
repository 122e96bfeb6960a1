/**
 * A PostgreSQL 15 primary and one streaming replica on loopback, from Debian's
 * packages (initdb, then pg_basebackup -R), the replica applying WAL
 * `applyDelayMs` late (recovery_min_apply_delay): every read it answers is
 * that far behind. Run as the `postgres` user when we are root. Ports
 * 26441–26442 (below the ephemeral range, like cluster.ts).
 */
import { execFileSync } from 'node:child_process';
import { appendFile, chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { postgresUser } from '@stockroom/db';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
const PRIMARY_PORT = 26441;
const REPLICA_PORT = 26442;

function pg(command: string, args: string[]): string {
  return execFileSync(path.join(PG_BIN, command), args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8', HOME: tmpdir() },
    ...(postgresUser() ?? {}),
  });
}

export class ReplicaPair {
  private constructor(
    readonly root: string,
    readonly applyDelayMs: number,
  ) {}

  private get primaryDir() {
    return path.join(this.root, 'primary');
  }

  private get replicaDir() {
    return path.join(this.root, 'replica');
  }

  url(which: 'primary' | 'replica', database = 'stockroom'): string {
    const port = which === 'primary' ? PRIMARY_PORT : REPLICA_PORT;
    return `postgres://postgres@127.0.0.1:${port}/${database}`;
  }

  static async start(applyDelayMs: number): Promise<ReplicaPair> {
    const root = await mkdtemp(path.join(tmpdir(), 'stockroom-replica-'));
    await chmod(root, 0o755);
    const user = postgresUser();
    // The servers write their logs and sockets here.
    if (user) await chown(root, user.uid, user.gid);
    for (const dir of ['primary', 'replica']) {
      await mkdir(path.join(root, dir), { mode: 0o700 });
      if (user) await chown(path.join(root, dir), user.uid, user.gid);
    }
    const pair = new ReplicaPair(root, applyDelayMs);
    try {
      await pair.boot();
    } catch (error) {
      await pair.stop();
      throw error;
    }
    return pair;
  }

  private async boot(): Promise<void> {
    pg('initdb', ['-D', this.primaryDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    await appendFile(
      path.join(this.primaryDir, 'postgresql.conf'),
      [
        `port = ${PRIMARY_PORT}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${this.root}'`,
        'wal_level = replica',
        'max_wal_senders = 4',
        'fsync = off',
        '',
      ].join('\n'),
    );
    this.startServer('primary');
    const primary = ['-h', '127.0.0.1', '-p', String(PRIMARY_PORT), '-U', 'postgres'];
    pg('psql', [...primary, '-c', 'create database stockroom']);
    pg('pg_basebackup', [...primary, '-D', this.replicaDir, '-R', '-X', 'stream', '--checkpoint=fast']);
    await appendFile(
      path.join(this.replicaDir, 'postgresql.conf'),
      [
        `port = ${REPLICA_PORT}`,
        'hot_standby = on',
        `recovery_min_apply_delay = '${this.applyDelayMs}ms'`,
        '',
      ].join('\n'),
    );
    this.startServer('replica');
  }

  startServer(which: 'primary' | 'replica'): void {
    const dir = which === 'primary' ? this.primaryDir : this.replicaDir;
    pg('pg_ctl', ['-D', dir, '-l', path.join(this.root, `${which}.log`), '-w', '-t', '60', 'start']);
  }

  /** Stop a server at once (immediate shutdown: its sessions just end). */
  stopServer(which: 'primary' | 'replica'): void {
    const dir = which === 'primary' ? this.primaryDir : this.replicaDir;
    pg('pg_ctl', ['-D', dir, '-m', 'immediate', '-w', 'stop']);
  }

  async stop(): Promise<void> {
    for (const which of ['replica', 'primary'] as const) {
      try {
        this.stopServer(which);
      } catch {
        // not running
      }
    }
    await rm(this.root, { recursive: true, force: true });
  }
}
