import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedServer, embeddedSharedBuffers, startEmbeddedPostgres } from '../src/embedded.js';

async function setting(connectionString: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ value: string }>('select current_setting($1) as value', [name]);
    return rows[0]?.value as string;
  } finally {
    await client.end();
  }
}

async function serverAddress(connectionString: string): Promise<string | null> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ addr: string | null }>('select inet_server_addr()::text as addr');
    return rows[0]?.addr ?? null;
  } finally {
    await client.end();
  }
}

describe('the embedded server: its own host reaches it over the Unix socket', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sr-embedded-'));
  chmodSync(dir, 0o755); // the server runs as the postgres user when we are root
  let server: EmbeddedServer;
  beforeAll(async () => {
    server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), persistent: false, fast: true });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('localUrl connects through the socket in the data directory, url over TCP', async () => {
    expect(new URL(server.localUrl).searchParams.get('host')).toBe(path.join(dir, 'pg'));
    // inet_server_addr() is null on a Unix-domain connection.
    expect(await serverAddress(server.localUrl)).toBeNull();
    expect(await serverAddress(server.url)).toBe('127.0.0.1/32');
  });

  it('caches a quarter of the memory in its buffers, between 128 MB and 1 GB', async () => {
    const GB = 2 ** 30;
    expect([0.25, 2, 3, 24, 256].map((gb) => embeddedSharedBuffers(gb * GB))).toEqual([
      '128MB',
      '512MB',
      '768MB',
      '1024MB',
      '1024MB',
    ]);
    // PostgreSQL shows it in its own unit: 1024MB is 1GB.
    const shown = await setting(server.url, 'shared_buffers');
    const mb = Number.parseInt(embeddedSharedBuffers(), 10);
    expect(shown).toBe(mb % 1024 === 0 ? `${mb / 1024}GB` : `${mb}MB`);
  });
});

describe('a data directory too deep for a Unix socket path', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sr-embedded-deep-'));
  chmodSync(dir, 0o755);
  const deep = path.join(dir, 'd'.repeat(100), 'pg'); // the socket's path would pass 107 bytes
  let server: EmbeddedServer | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('still starts (TCP only: PostgreSQL refuses an over-long socket path), and localUrl is the TCP url', async () => {
    server = await startEmbeddedPostgres({ dataDir: deep, persistent: false, fast: true });
    expect(server.localUrl).toBe(server.url);
    expect(await serverAddress(server.localUrl)).toBe('127.0.0.1/32');
  });
});
