/**
 * OpenTelemetry tracing, loaded before the API itself:
 *
 *   tsx --import ./src/instrumentation.ts src/main.ts
 *
 * Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
 * is set: then nothing below the guard runs, no SDK module is even loaded, and
 * the procedures carry no span middleware (trpc/procedures.ts).
 *
 * When on, spans go over OTLP/HTTP (JSON) to `$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces`:
 *   - one server span per HTTP request (instrumentation-http; /health, /ready
 *     and /metrics are not traced: probes and scrapes would drown the rest);
 *   - one span per tRPC procedure (the middleware in trpc.ts);
 *   - one span per SQL statement and pool checkout (instrumentation-pg), only
 *     inside a traced request: the sweeper's once-a-second statements and the
 *     /metrics queries make no traces of their own. Statement text is recorded
 *     with its placeholders, never the parameter values (emails, hashes).
 *
 * The standard OTEL_* variables apply: OTEL_SERVICE_NAME (default
 * `stockroom-api`), OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER and
 * OTEL_TRACES_SAMPLER_ARG (e.g. `parentbased_traceidratio` and `0.05` under
 * load), OTEL_EXPORTER_OTLP_HEADERS, OTEL_BSP_SCHEDULE_DELAY, OTEL_SDK_DISABLED.
 * Metrics stay with Prometheus (/metrics): the SDK exports traces only.
 *
 * `pg` is a CommonJS package imported from ES modules, so it is patched through
 * import-in-the-middle's loader hook, limited to the modules the
 * instrumentations name (nothing else is wrapped).
 */
import { register } from 'node:module';
import { telemetryEnabled } from './telemetry-switch.js';

interface Telemetry {
  shutdown(): Promise<void>;
}

// A global, not a module variable: main.ts may load this file a second time
// under another URL, and must still find the SDK started by `--import`.
const KEY = Symbol.for('stockroom.telemetry');
type WithTelemetry = typeof globalThis & { [KEY]?: Telemetry };

/** Export the spans still buffered and stop the SDK. A no-op when telemetry is off. */
export async function shutdownTelemetry(): Promise<void> {
  const telemetry = (globalThis as WithTelemetry)[KEY];
  (globalThis as WithTelemetry)[KEY] = undefined;
  await telemetry?.shutdown().catch((error: unknown) => {
    console.error(`OpenTelemetry shutdown failed: ${String(error)}`);
  });
}

async function start(): Promise<void> {
  const { createAddHookMessageChannel } = await import('import-in-the-middle');
  const hooks = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, hooks.registerOptions);

  const [{ NodeSDK }, { OTLPTraceExporter }, { HttpInstrumentation }, { PgInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-pg'),
    ]);

  const untraced = /^\/(health|ready|metrics)(?:[/?]|$)/;
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME || 'stockroom-api',
    traceExporter: new OTLPTraceExporter(),
    // Traces only: metrics are Prometheus' job, and nothing here emits OTel logs.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => untraced.test(request.url ?? ''),
      }),
      new PgInstrumentation({
        requireParentSpan: true,
        enhancedDatabaseReporting: false,
      }),
    ],
  });
  sdk.start();
  (globalThis as WithTelemetry)[KEY] = { shutdown: () => sdk.shutdown() };

  // The loader must know which modules to wrap before the application imports them.
  await hooks.waitForAllMessagesAcknowledged();
}

if (telemetryEnabled() && !(globalThis as WithTelemetry)[KEY]) {
  try {
    await start();
  } catch (error) {
    // Tracing is an aid, never a reason not to serve.
    console.error(`OpenTelemetry did not start; continuing without traces: ${String(error)}`);
  }
}
