/** Every call: map errors to the contract, log internal ones, count and time it. */
import { domainToTRPC, isDataException, MappedError } from '../../errors.js';
import { t } from '../init.js';

export const observed = t.middleware(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const result = await next();
  const seconds = (performance.now() - started) / 1000;
  let appCode = 'OK';
  if (!result.ok) {
    const mapped = result.error instanceof MappedError ? result.error : domainToTRPC(result.error);
    appCode = mapped.info.appCode;
    if (appCode === 'INTERNAL' || appCode === 'UNAVAILABLE') {
      ctx.log.error(
        { err: result.error.cause ?? result.error, path, requestId: ctx.requestId },
        'procedure failed',
      );
    } else if (isDataException(result.error.cause)) {
      // Answered as bad input, but worth a look: validation should have caught it first.
      ctx.log.warn({ err: result.error.cause, path, requestId: ctx.requestId }, 'database refused a value');
    }
    ctx.services.metrics.observeCall(path, type, appCode, seconds);
    throw mapped;
  }
  ctx.services.metrics.observeCall(path, type, appCode, seconds);
  return result;
});
