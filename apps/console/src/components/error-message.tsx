import { errorInfo } from '../lib/errors';

/**
 * An error shown where it happened: the API's message and its appCode, read out
 * to screen readers as soon as it appears.
 */
export function ErrorMessage({ error, className = '' }: { error: unknown; className?: string }) {
  if (error == null) return null;
  const { appCode, message } = errorInfo(error);
  return (
    <div className={`alert alert--error ${className}`} role="alert">
      <span className="alert__code">{appCode}</span> {message}
    </div>
  );
}
