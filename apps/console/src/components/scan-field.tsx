import { type KeyboardEvent, useId, useRef } from 'react';

export interface ScanMessage {
  kind: 'ok' | 'refused';
  text: string;
}

/**
 * A field for a barcode scanner (or fast typing): Enter hands over exactly the
 * text in the field at that moment, and the field empties for the next scan. The
 * last outcome is announced: a confirmation (status) or a refusal (alert).
 */
export function ScanField({
  label,
  hint,
  onScan,
  message,
  disabled,
  autoFocus = true,
}: {
  label: string;
  hint?: string;
  onScan: (code: string) => void;
  message: ScanMessage | null;
  disabled?: boolean;
  /** A scanning station starts ready to scan; a panel on a busy page does not take the focus. */
  autoFocus?: boolean;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const code = event.currentTarget.value.trim();
    event.currentTarget.value = '';
    if (code) onScan(code);
  }
  return (
    <div className="field scan-field">
      <label className="field__label" htmlFor={`${id}-scan`}>
        {label}
      </label>
      <input
        ref={input}
        id={`${id}-scan`}
        className="input scan-field__input"
        autoComplete="off"
        spellCheck={false}
        // biome-ignore lint/a11y/noAutofocus: a scanning station starts ready to scan
        autoFocus={autoFocus}
        disabled={disabled}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onKeyDown={onKeyDown}
      />
      {hint && (
        <p id={`${id}-hint`} className="field__hint text-muted">
          {hint}
        </p>
      )}
      <div aria-live="polite">
        {message?.kind === 'ok' && (
          <p className="alert alert--success scan-field__message" role="status">
            {message.text}
          </p>
        )}
      </div>
      {message?.kind === 'refused' && (
        <p className="alert alert--error scan-field__message" role="alert">
          {message.text}
        </p>
      )}
    </div>
  );
}
