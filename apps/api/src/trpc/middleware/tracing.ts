/**
 * Every call is a span, `trpc <path>`, under the HTTP request's span and above
 * its SQL. Without OTEL_EXPORTER_OTLP_ENDPOINT no SDK is started (see
 * instrumentation.ts) and this is the API's no-op tracer.
 */
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { domainToTRPC, MappedError } from '../../errors.js';
import { t } from '../init.js';

const tracer = trace.getTracer('@stockroom/api');

export const traced = t.middleware(({ ctx, path, type, next }) =>
  tracer.startActiveSpan(
    `trpc ${path}`,
    {
      attributes: {
        'rpc.system': 'trpc',
        'rpc.method': path,
        'trpc.type': type,
        'stockroom.request_id': ctx.requestId,
      },
    },
    async (span) => {
      try {
        const result = await next();
        if (result.ok) {
          span.setAttribute('stockroom.app_code', 'OK');
        } else {
          const { appCode } = (
            result.error instanceof MappedError ? result.error : domainToTRPC(result.error)
          ).info;
          span.setAttribute('stockroom.app_code', appCode);
          if (appCode === 'INTERNAL' || appCode === 'UNAVAILABLE') {
            span.recordException(result.error.cause ?? result.error);
            span.setStatus({ code: SpanStatusCode.ERROR, message: appCode });
          }
        }
        return result;
      } finally {
        span.end();
      }
    },
  ),
);
