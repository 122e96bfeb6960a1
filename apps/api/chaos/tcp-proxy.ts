/**
 * A TCP proxy for fault injection (node:net). Forwards each client connection
 * to an upstream (round-robin over several), and on demand:
 *   - delays every chunk in either direction by `latencyMs` (order kept);
 *   - cuts every open connection (`cutAll`);
 *   - cuts a connection at the moment the upstream's answer starts to come
 *     back (`cutResponseIf`): the request went through and was processed
 *     (for an HTTP API: committed), but the client never sees a byte of the
 *     answer — it sees the socket close and must retry;
 *   - shows every chunk to a `tap` that may swallow it (protocol-aware faults).
 */
import net from 'node:net';

export interface Upstream {
  host: string;
  port: number;
}

export interface TcpProxy {
  port: number;
  url: string;
  /** Added to every chunk, both directions (ms). Can change at any time. */
  latencyMs: number;
  /** Hold every chunk, both directions, until `resume()`: a network that stalls (no reset). */
  stall(): void;
  /** Deliver what was held, in order, and forward normally again. */
  resume(): void;
  /**
   * Cut, when its first response byte arrives, every connection whose first
   * request chunk matches (e.g. carries a marker header): works with
   * concurrent traffic, unlike a budget.
   */
  cutResponseIf: ((firstRequestChunk: Buffer) => boolean) | undefined;
  /**
   * Sees every chunk (`request`: client → upstream, `response`: back) with a
   * state object of its connection; returning 'drop' swallows the chunk.
   */
  tap:
    | ((
        direction: 'request' | 'response',
        chunk: Buffer,
        connection: Record<string, unknown>,
      ) => 'pass' | 'drop')
    | undefined;
  /** Destroy every open connection now. */
  cutAll(): number;
  stats: { connections: number; open: number; cutOnResponse: number; cutAll: number; dropped: number };
  /** How many connections each upstream received (round-robin check). */
  perUpstream: number[];
  close(): Promise<void>;
}

export async function startTcpProxy(options: {
  upstreams: Upstream[];
  latencyMs?: number;
  port?: number;
}): Promise<TcpProxy> {
  const { upstreams } = options;
  if (upstreams.length === 0) throw new Error('tcp proxy needs an upstream');
  /** Closers of the open connections (client socket and its upstream). */
  const open = new Set<() => void>();
  let next = 0;
  let held: (() => void)[] | undefined;
  const stats = { connections: 0, open: 0, cutOnResponse: 0, cutAll: 0, dropped: 0 };
  const perUpstream = upstreams.map(() => 0);

  const proxy = {
    latencyMs: options.latencyMs ?? 0,
    cutResponseIf: undefined as TcpProxy['cutResponseIf'],
    tap: undefined as TcpProxy['tap'],
  };

  /** Pipe `from` → `to`, each chunk delayed by the current latency, in order. */
  const pump = (
    from: net.Socket,
    to: net.Socket,
    direction: 'request' | 'response',
    connection: Record<string, unknown>,
    onFirst?: (chunk: Buffer) => boolean,
  ) => {
    let last = 0;
    let first = true;
    from.on('data', (chunk: Buffer) => {
      if (first) {
        first = false;
        if (onFirst?.(chunk)) return;
      }
      if (proxy.tap?.(direction, chunk, connection) === 'drop') {
        stats.dropped++;
        return;
      }
      if (held) {
        held.push(() => {
          if (!to.destroyed) to.write(chunk);
        });
        return;
      }
      const delay = proxy.latencyMs;
      if (delay <= 0 && last <= Date.now()) {
        if (!to.destroyed) to.write(chunk);
        return;
      }
      const at = Math.max(Date.now() + delay, last);
      last = at;
      setTimeout(
        () => {
          if (!to.destroyed) to.write(chunk);
        },
        Math.max(0, at - Date.now()),
      );
    });
    from.on('end', () => {
      const finish = () => {
        if (!to.destroyed) to.end();
      };
      if (held) held.push(finish);
      else setTimeout(finish, Math.max(0, last - Date.now()));
    });
  };

  const server = net.createServer((client) => {
    stats.connections++;
    const index = next++ % upstreams.length;
    perUpstream[index] = (perUpstream[index] ?? 0) + 1;
    const target = upstreams[index] as Upstream;
    const upstream = net.connect(target.port, target.host);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    stats.open++;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      stats.open--;
      client.destroy();
      upstream.destroy();
      open.delete(close);
    };
    open.add(close);
    let cutThis = false;
    const connection: Record<string, unknown> = {};
    pump(client, upstream, 'request', connection, (chunk) => {
      cutThis = proxy.cutResponseIf?.(chunk) ?? false;
      return false;
    });
    pump(upstream, client, 'response', connection, () => {
      if (!cutThis) return false;
      // The answer exists (the work is done and committed): the client never gets it.
      stats.cutOnResponse++;
      client.resetAndDestroy();
      close();
      return true;
    });
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;

  return Object.assign(proxy, {
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    stats,
    perUpstream,
    stall() {
      held ??= [];
    },
    resume() {
      const waiting = held ?? [];
      held = undefined;
      for (const deliver of waiting) deliver();
    },
    cutAll() {
      const n = open.size;
      stats.cutAll += n;
      for (const close of [...open]) close();
      return n;
    },
    async close() {
      for (const close of [...open]) close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
