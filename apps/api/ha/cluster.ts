/**
 * A highly available PostgreSQL 15 on loopback, from Debian's packages, started
 * from nothing: one etcd, three Patroni nodes (synchronous_mode: true), HAProxy
 * sending connections to whichever node Patroni's REST API calls primary
 * (`GET /primary` = 200), and PgBouncer (transaction pooling) in front of
 * HAProxy. PostgreSQL and Patroni run as the `postgres` system user when we are
 * root. Ports 26000–26999 only: below the kernel's ephemeral range (32768–60999),
 * so no outgoing connection can be holding one.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { canConnect, type PgBouncer, postgresUser, startPgBouncer } from '@stockroom/db';
import { sleep, waitFor } from '../chaos/support.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const ETCD_PORT = 26379;
const HAPROXY_PORT = 26500;
const PGBOUNCER_PORT = 26600;
const NODES = [0, 1, 2].map((i) => ({ name: `node${i + 1}`, pgPort: 26432 + i, restPort: 26008 + i }));
const PASSWORD = 'postgres';
export const HA_BINARIES = ['/usr/bin/etcd', '/usr/bin/patroni', '/usr/bin/patronictl', '/usr/sbin/haproxy'];

export interface Member {
  name: string;
  role: string;
  state: string;
  lag?: number | string;
}

export interface Node {
  name: string;
  pgPort: number;
  restPort: number;
  config: string;
  dataDir: string;
  patroni?: ChildProcess;
}

/** A child process whose output is kept (the tail) for the error message when it misbehaves. */
function run(
  command: string,
  args: string[],
  options: { cwd?: string; asPostgres?: boolean; env?: object } = {},
) {
  const user = options.asPostgres ? postgresUser() : undefined;
  const child = spawn(command, args, {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: `${process.env.PATH}:${PG_BIN}`,
      HOME: options.cwd ?? tmpdir(),
      LANG: 'C.UTF-8',
      ...options.env,
    },
    ...(user ?? {}),
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-30_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return Object.assign(child, { tail: () => output });
}

const patroniYaml = (root: string, node: (typeof NODES)[number]) => `scope: stockroom-ha
name: ${node.name}
log:
  level: WARNING
restapi:
  listen: 127.0.0.1:${node.restPort}
  connect_address: 127.0.0.1:${node.restPort}
etcd3:
  hosts: 127.0.0.1:${ETCD_PORT}
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 1
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        max_connections: 200
        wal_level: replica
        hot_standby: 'on'
        wal_log_hints: 'on'
        max_wal_senders: 10
        max_replication_slots: 10
        wal_sender_timeout: 3s
        wal_receiver_status_interval: 1s
        fsync: 'off'
        synchronous_commit: 'on'
  initdb:
    - encoding: UTF8
    - auth-local: trust
    - auth-host: scram-sha-256
postgresql:
  listen: 127.0.0.1:${node.pgPort}
  connect_address: 127.0.0.1:${node.pgPort}
  data_dir: ${root}/${node.name}/data
  bin_dir: ${PG_BIN}
  pgpass: ${root}/${node.name}/pgpass
  remove_data_directory_on_rewind_failure: true
  remove_data_directory_on_diverged_timelines: true
  authentication:
    superuser: { username: postgres, password: ${PASSWORD} }
    replication: { username: replicator, password: replicator-secret }
    rewind: { username: postgres, password: ${PASSWORD} }
  parameters:
    unix_socket_directories: ${root}/${node.name}
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
`;

const haproxyCfg = () => `global
  maxconn 2000
defaults
  mode tcp
  timeout connect 2s
  timeout client 30m
  timeout server 30m
  timeout check 1s
listen primary
  bind 127.0.0.1:${HAPROXY_PORT}
  option httpchk GET /primary
  http-check expect status 200
  default-server inter 300ms fastinter 200ms fall 2 rise 1 on-marked-down shutdown-sessions
${NODES.map((n) => `  server ${n.name} 127.0.0.1:${n.pgPort} maxconn 300 check port ${n.restPort}`).join('\n')}
`;

export class HaCluster {
  readonly nodes: Node[];
  private etcd?: ReturnType<typeof run>;
  private haproxy?: ReturnType<typeof run>;
  private bouncer?: PgBouncer;
  private constructor(readonly root: string) {
    this.nodes = NODES.map((n) => ({
      ...n,
      config: path.join(root, `${n.name}.yml`),
      dataDir: path.join(root, n.name, 'data'),
    }));
  }

  /** postgres://… of `database` through HAProxy (the primary, directly). */
  directUrl(database: string): string {
    return `postgres://postgres:${PASSWORD}@127.0.0.1:${HAPROXY_PORT}/${database}`;
  }

  /** …and through PgBouncer in front of HAProxy. */
  pooledUrl(database: string): string {
    return `postgres://postgres:${PASSWORD}@127.0.0.1:${PGBOUNCER_PORT}/${database}`;
  }

  static async start(): Promise<HaCluster> {
    const root = await mkdtemp(path.join(tmpdir(), 'stockroom-ha-'));
    await chmod(root, 0o755);
    const cluster = new HaCluster(root);
    try {
      await cluster.boot();
    } catch (error) {
      const tails = cluster.nodes.map(
        (n) => `--- ${n.name}\n${(n.patroni as { tail?: () => string })?.tail?.()}`,
      );
      await cluster.stop();
      throw new Error(`the HA cluster did not come up:\n${tails.join('\n')}`, { cause: error });
    }
    return cluster;
  }

  private async boot(): Promise<void> {
    const user = postgresUser();
    this.etcd = run('/usr/bin/etcd', [
      '--name=ha',
      `--data-dir=${this.root}/etcd`,
      `--listen-client-urls=http://127.0.0.1:${ETCD_PORT}`,
      `--advertise-client-urls=http://127.0.0.1:${ETCD_PORT}`,
      `--listen-peer-urls=http://127.0.0.1:${ETCD_PORT + 1}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${ETCD_PORT + 1}`,
      `--initial-cluster=ha=http://127.0.0.1:${ETCD_PORT + 1}`,
      '--listen-metrics-urls=',
    ]);
    await waitFor(() => canConnect('127.0.0.1', ETCD_PORT), 20_000, 'etcd');
    for (const node of this.nodes) {
      await mkdir(path.join(this.root, node.name), { recursive: true });
      await writeFile(node.config, patroniYaml(this.root, node), { mode: 0o644 });
      if (user) await chown(path.join(this.root, node.name), user.uid, user.gid);
    }
    // The first node bootstraps (initdb); the others then clone it (pg_basebackup).
    this.startPatroni(this.nodes[0] as Node);
    await waitFor(async () => (await this.leader()) !== undefined, 60_000, 'a leader');
    for (const node of this.nodes.slice(1)) this.startPatroni(node);
    await writeFile(path.join(this.root, 'haproxy.cfg'), haproxyCfg());
    this.haproxy = run('/usr/sbin/haproxy', ['-f', path.join(this.root, 'haproxy.cfg'), '-db']);
    this.bouncer = await startPgBouncer({
      server: { host: '127.0.0.1', port: HAPROXY_PORT, user: 'postgres', password: PASSWORD },
      port: PGBOUNCER_PORT,
      poolSize: 30,
      queryWaitTimeoutSeconds: 3,
    });
    await this.healthy(90_000);
  }

  startPatroni(node: Node): void {
    node.patroni = run('/usr/bin/patroni', [node.config], {
      cwd: path.join(this.root, node.name),
      asPostgres: true,
    });
  }

  /** The members as Patroni's REST API reports them (asked of any node that answers). */
  async members(): Promise<Member[]> {
    for (const node of this.nodes) {
      try {
        const res = await fetch(`http://127.0.0.1:${node.restPort}/cluster`, {
          signal: AbortSignal.timeout(1000),
        });
        if (res.ok) return ((await res.json()) as { members: Member[] }).members;
      } catch {
        // this node's REST API is down: ask the next
      }
    }
    return [];
  }

  async leader(): Promise<Node | undefined> {
    const member = (await this.members()).find((m) => m.role === 'leader' && m.state === 'running');
    return this.nodes.find((n) => n.name === member?.name);
  }

  async syncStandby(): Promise<Node | undefined> {
    const member = (await this.members()).find((m) => m.role === 'sync_standby' && m.state !== 'stopped');
    return this.nodes.find((n) => n.name === member?.name);
  }

  /** A leader, a sync standby, three members running, and the pooler and HAProxy reaching the leader. */
  async healthy(timeoutMs: number): Promise<void> {
    await waitFor(
      async () => {
        const members = await this.members();
        const running = members.filter((m) => m.state === 'running' || m.state === 'streaming');
        return (
          running.length === 3 &&
          members.some((m) => m.role === 'leader') &&
          members.some((m) => m.role === 'sync_standby') &&
          (await canConnect('127.0.0.1', HAPROXY_PORT))
        );
      },
      timeoutMs,
      'three running members with a leader and a sync standby',
      200,
    );
  }

  /** PID of the node's postmaster and of every process it started. */
  async postgresPids(node: Node): Promise<number[]> {
    const pid = Number((await readFile(path.join(node.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    const children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n');
    return [pid, ...children.filter(Boolean).map(Number)];
  }

  /** The node's WAL receiver (its replication connection to the primary). */
  async walReceiver(node: Node): Promise<number> {
    const [postmaster] = await this.postgresPids(node);
    const out = execFileSync('pgrep', ['-P', String(postmaster), '-f', 'walreceiver'], { encoding: 'utf8' });
    return Number(out.trim().split('\n')[0]);
  }

  /** Fault (a): SIGKILL the node's Patroni and all of its PostgreSQL processes, as a crash would. */
  async crash(node: Node): Promise<void> {
    const pids = await this.postgresPids(node);
    node.patroni?.kill('SIGKILL');
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await sleep(100);
  }

  /** Fault (b): a planned switchover with patronictl. */
  switchover(leader: Node, candidate: Node): string {
    return execFileSync(
      '/usr/bin/patronictl',
      ['-c', leader.config, 'switchover', '--leader', leader.name, '--candidate', candidate.name, '--force'],
      { encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8' } },
    );
  }

  async stop(): Promise<void> {
    await this.bouncer?.stop().catch(() => {});
    this.haproxy?.kill('SIGKILL');
    for (const node of this.nodes) {
      node.patroni?.kill('SIGKILL');
      const pids = await this.postgresPids(node).catch(() => []);
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    this.etcd?.kill('SIGKILL');
    await sleep(300);
    await rm(this.root, { recursive: true, force: true });
  }
}
