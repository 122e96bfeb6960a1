/**
 * OpenTelemetry (src/instrumentation.ts): a real API process started the way
 * production starts it (`--import ./src/instrumentation.ts`) with
 * OTEL_EXPORTER_OTLP_ENDPOINT pointing at a tiny OTLP/HTTP receiver in this
 * test. The spans must really arrive: the HTTP request, the tRPC procedure
 * under it, and the SQL under the procedure, in one trace. Without the
 * endpoint, telemetry is off: no SDK, a non-recording tracer, next to no cost.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { trace } from '@opentelemetry/api';
import { freePort } from '@stockroom/db';
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const apiDir = path.resolve(import.meta.dirname, '..');
const JWT_SECRET = 'telemetry-secret-telemetry-secret-0123456789';

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean };
}
interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  scope: string;
  service: string | undefined;
  attributes: Record<string, string | number | boolean | undefined>;
}

function flatten(attributes: OtlpAttribute[] | undefined) {
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const a of attributes ?? []) {
    out[a.key] = a.value.stringValue ?? a.value.boolValue ?? (a.value.intValue as number | undefined);
  }
  return out;
}

/** An OTLP/HTTP trace receiver (JSON encoding, as exporter-trace-otlp-http sends). */
async function startReceiver() {
  const spans: ReceivedSpan[] = [];
  const problems: string[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        problems.push(`${request.method} ${request.url}`);
      } else {
        try {
          const payload = JSON.parse(body) as {
            resourceSpans?: {
              resource?: { attributes?: OtlpAttribute[] };
              scopeSpans?: {
                scope?: { name?: string };
                spans?: (Omit<ReceivedSpan, 'scope' | 'service' | 'attributes'> & {
                  attributes?: OtlpAttribute[];
                })[];
              }[];
            }[];
          };
          for (const rs of payload.resourceSpans ?? []) {
            const service = flatten(rs.resource?.attributes)['service.name'] as string | undefined;
            for (const ss of rs.scopeSpans ?? []) {
              for (const s of ss.spans ?? []) {
                spans.push({
                  traceId: s.traceId,
                  spanId: s.spanId,
                  parentSpanId: s.parentSpanId || undefined,
                  name: s.name,
                  scope: ss.scope?.name ?? '',
                  service,
                  attributes: flatten(s.attributes),
                });
              }
            }
          }
        } catch (error) {
          problems.push(`unparsable body (${request.headers['content-type']}): ${String(error)}`);
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    problems,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The API as production runs it, plus the OTLP endpoint. */
async function startTracedApi(databaseUrl: string, endpoint: string, extra: Record<string, string> = {}) {
  const port = await freePort();
  // Nothing OTEL_* from the outer environment: this test decides.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './src/instrumentation.ts', 'src/main.ts'],
    {
      cwd: apiDir,
      env: {
        ...inherited,
        NODE_ENV: 'test',
        DATABASE_URL: databaseUrl,
        HOST: '127.0.0.1',
        PORT: String(port),
        SEED_DEMO: 'true',
        JWT_SECRET,
        LOG_LEVEL: 'warn',
        CONSOLE_DIST: '/nonexistent',
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_SERVICE_NAME: 'stockroom-api-test',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        ...extra,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 45_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API exited early:\n${output}`);
    const ready = await fetch(`${url}/ready`).catch(() => undefined);
    if (ready?.ok) break;
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`API did not become ready:\n${output}`);
    }
    await sleep(100);
  }
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function trpc(url: string, procedure: string, input: unknown, token?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${url}/trpc/${procedure}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(input),
  });
  return { status: response.status, body: (await response.json()) as { result?: { data?: unknown } } };
}

describe('tracing on (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  let database: TestDatabase;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let api: Awaited<ReturnType<typeof startTracedApi>>;

  beforeAll(async () => {
    database = await createTestDatabase({ max: 2 });
    receiver = await startReceiver();
    api = await startTracedApi(database.url, receiver.endpoint);
  });
  afterAll(async () => {
    await api?.stop();
    await receiver?.close();
    await database?.destroy();
  });

  /** Whether `span` descends from `ancestor` (same trace, through parent links). */
  const descendsFrom = (span: ReceivedSpan, ancestor: ReceivedSpan) => {
    const byId = new Map(receiver.spans.map((s) => [s.spanId, s]));
    let current: ReceivedSpan | undefined = span;
    while (current?.parentSpanId) {
      if (current.parentSpanId === ancestor.spanId) return true;
      current = byId.get(current.parentSpanId);
    }
    return false;
  };

  it('exports the HTTP request, the procedure and its SQL as one trace', async () => {
    const login = await trpc(api.url, 'auth.login', { email: 'admin@example.com', password: 'stockroom' });
    expect(login.status).toBe(200);

    const procedure = await waitFor(
      () => receiver.spans.find((s) => s.name === 'trpc auth.login'),
      'a `trpc auth.login` span (is the tracing middleware of apps/api/src/trpc.ts in place?)',
    );
    expect(procedure.service).toBe('stockroom-api-test');
    expect(procedure.attributes['rpc.method']).toBe('auth.login');
    expect(procedure.attributes['stockroom.app_code']).toBe('OK');

    const server = await waitFor(
      () =>
        receiver.spans.find(
          (s) => s.scope === '@opentelemetry/instrumentation-http' && s.spanId === procedure.parentSpanId,
        ),
      'the HTTP server span above the procedure',
    );
    expect(server.parentSpanId).toBeUndefined();

    const statements = await waitFor(() => {
      const found = receiver.spans.filter(
        (s) =>
          s.scope === '@opentelemetry/instrumentation-pg' &&
          s.name.startsWith('pg.query') &&
          descendsFrom(s, procedure),
      );
      return found.length > 0 ? found : undefined;
    }, 'SQL spans under the procedure');
    for (const statement of statements) {
      expect(statement.traceId).toBe(procedure.traceId);
      expect(statement.attributes['db.query.text'] ?? statement.attributes['db.statement']).toBeTypeOf(
        'string',
      );
    }
    // Parameter values (here: the e-mail and password) are never recorded.
    expect(JSON.stringify(receiver.spans)).not.toContain('admin@example.com');
    expect(receiver.problems).toEqual([]);
  });

  it('records refused calls with their appCode, and reservations with their SQL', async () => {
    const anonymous = await trpc(api.url, 'reservations.create', {
      lines: [{ sku: 'EL-HDP-001', quantity: 1 }],
    });
    expect(anonymous.status).toBe(401);
    const refused = await waitFor(
      () =>
        receiver.spans.find(
          (s) =>
            s.name === 'trpc reservations.create' && s.attributes['stockroom.app_code'] === 'UNAUTHENTICATED',
        ),
      'the refused call',
    );
    expect(refused.attributes['trpc.type']).toBe('mutation');

    const held = await trpc(
      api.url,
      'reservations.create',
      { lines: [{ sku: 'EL-HDP-001', quantity: 1 }], shipTo: { latitude: 40.7, longitude: -74 } },
      'dev-service-token',
    );
    expect(held.status).toBe(200);
    const reservation = await waitFor(
      () =>
        receiver.spans.find(
          (s) => s.name === 'trpc reservations.create' && s.attributes['stockroom.app_code'] === 'OK',
        ),
      'the reservation',
    );
    await waitFor(
      () =>
        receiver.spans.find(
          (s) => s.scope === '@opentelemetry/instrumentation-pg' && descendsFrom(s, reservation),
        ),
      'SQL under the reservation',
    );
  });

  it('the Grafana dashboard and the alert rules only query metrics the API exposes', async () => {
    const deploy = path.resolve(apiDir, '../../deploy');
    const dashboard = JSON.parse(
      await readFile(path.join(deploy, 'grafana/dashboards/stockroom.json'), 'utf8'),
    ) as {
      uid: string;
      panels: { id: number; type: string; datasource?: { uid: string }; targets?: { expr: string }[] }[];
    };
    const rules = await readFile(path.join(deploy, 'prometheus/rules.yml'), 'utf8');
    const datasources = await readFile(
      path.join(deploy, 'grafana/provisioning/datasources/datasources.yml'),
      'utf8',
    );

    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const queried = dashboard.panels.filter((p) => p.type !== 'row');
    expect(queried.length).toBeGreaterThanOrEqual(12);
    for (const panel of queried) {
      expect(datasources).toContain(`uid: ${panel.datasource?.uid}`);
      expect(panel.targets?.length).toBeGreaterThan(0);
    }

    // A call of each outcome, so every labelled series exists.
    await trpc(
      api.url,
      'reservations.create',
      { lines: [{ sku: 'EL-HDP-001', quantity: 1 }] },
      'dev-service-token',
    );
    await trpc(api.url, 'reservations.create', { lines: [] }, 'dev-service-token');
    const exposition = await (await fetch(`${api.url}/metrics`)).text();
    const exposed = new Set(
      exposition
        .split('\n')
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => line.split(/[{ ]/)[0] as string)
        // A histogram is also named without its _bucket/_sum/_count suffix.
        .flatMap((name) => [name, name.replace(/_(bucket|sum|count)$/, '')]),
    );
    const used = new Set(
      [JSON.stringify(dashboard), rules].flatMap((text) => text.match(/\bstockroom_[a-z0-9_]+/g) ?? []),
    );
    expect(used.size).toBeGreaterThanOrEqual(10);
    expect([...used].filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('does not trace probes and scrapes, nor background work outside requests', async () => {
    for (const probe of ['/health', '/ready', '/metrics']) {
      expect((await fetch(`${api.url}${probe}`)).status).toBe(200);
    }
    // The sweeper runs every second and /metrics ran SQL: none of it may show up as a root.
    await sleep(1500);
    const roots = receiver.spans.filter((s) => !s.parentSpanId);
    expect(roots.length).toBeGreaterThan(0);
    for (const root of roots) {
      expect(root.scope).toBe('@opentelemetry/instrumentation-http');
      expect(String(root.attributes['url.path'] ?? root.attributes['http.target'] ?? '')).toMatch(
        /^\/trpc\//,
      );
    }
  });

  // main.ts calls shutdownTelemetry() after the graceful close, before it exits.
  it('SIGTERM sends the spans still buffered before the process exits', async () => {
    await api.stop();
    // A batch delay far longer than the test: only the shutdown flush can deliver this span.
    api = await startTracedApi(database.url, receiver.endpoint, { OTEL_BSP_SCHEDULE_DELAY: '600000' });
    const requestId = `last-call-${Date.now()}`;
    const response = await fetch(`${api.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({ email: 'buyer@example.com', password: 'stockroom' }),
    });
    expect(response.status).toBe(200);
    expect(await api.stop()).toBe(0);
    expect(receiver.spans.find((s) => s.attributes['stockroom.request_id'] === requestId)?.name).toBe(
      'trpc auth.login',
    );
  });
});

describe('tracing off (no endpoint)', () => {
  it('starts no SDK, and the tracer the code uses records nothing', async () => {
    const saved = { ...process.env };
    for (const key of Object.keys(process.env)) if (key.startsWith('OTEL_')) delete process.env[key];
    try {
      const telemetry = await import('../src/instrumentation.js');
      const { telemetryEnabled } = await import('../src/telemetry-switch.js');
      expect(telemetryEnabled()).toBe(false);
      expect((globalThis as Record<symbol, unknown>)[Symbol.for('stockroom.telemetry')]).toBeUndefined();
      await telemetry.shutdownTelemetry(); // harmless when off

      const tracer = trace.getTracer('@stockroom/api');
      const span = tracer.startSpan('x');
      expect(span.isRecording()).toBe(false);
      span.end();
    } finally {
      process.env = saved;
    }
  });

  it('is enabled only by an endpoint, and OTEL_SDK_DISABLED wins', async () => {
    const { telemetryEnabled } = await import('../src/telemetry-switch.js');
    expect(telemetryEnabled({})).toBe(false);
    expect(telemetryEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBe(false);
    expect(telemetryEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(telemetryEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(
      true,
    );
    expect(
      telemetryEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }),
    ).toBe(false);
  });
});
