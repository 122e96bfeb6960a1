/**
 * Whether spans are exported: the OTLP endpoint is configured and the SDK not
 * disabled. Read by instrumentation.ts (start the SDK or not) and by the
 * procedures (add the span middleware or not), so both agree.
 */
export function telemetryEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return Boolean(endpoint) && env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true';
}
