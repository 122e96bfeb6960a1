/**
 * Scanning SKUs. A barcode scanner is a keyboard that types fast (0–10 ms a key)
 * and presses Enter. So Enter acts on the field's text at that very moment (read
 * from the input, not from React state or a debounced search), and the product is
 * looked up by that exact SKU — never taken from a result list that may still
 * belong to an earlier prefix (`EL-MON-0` → `EL-MON-001` instead of `EL-MON-0012`).
 */
import { type KeyboardEvent, useId, useRef, useState } from 'react';
import { errorInfo } from '../lib/errors';
import { type RouterOutputs, trpc } from '../trpc';

export type ScannedProduct = RouterOutputs['products']['get'];

/** Text that can be a SKU (the API's own rule), so a sentence is never sent as one. */
const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const looksLikeSku = (text: string): boolean => SKU.test(text);

/** Look a product up by its exact SKU, fresh from the API: null when there is none. */
export function useSkuLookup(): (sku: string) => Promise<ScannedProduct | null> {
  const utils = trpc.useUtils();
  return async (sku) => {
    if (!looksLikeSku(sku)) return null;
    try {
      return await utils.products.get.fetch({ sku }, { staleTime: 0 });
    } catch (error) {
      const { appCode } = errorInfo(error);
      if (appCode === 'NOT_FOUND' || appCode === 'VALIDATION_FAILED') return null;
      throw error;
    }
  };
}

let audio: AudioContext | null = null;

/** A short beep (high: accepted, low: refused). Silently nothing where audio is unavailable. */
export function beep(ok: boolean): void {
  try {
    audio ??= new AudioContext();
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = ok ? 'sine' : 'square';
    oscillator.frequency.value = ok ? 1320 : 220;
    gain.gain.value = 0.08;
    oscillator.connect(gain).connect(audio.destination);
    const now = audio.currentTime;
    oscillator.start(now);
    oscillator.stop(now + (ok ? 0.08 : 0.25));
  } catch {
    // No audio output: the visible message is enough.
  }
}

export interface ScanOutcome {
  ok: boolean;
  message: string;
}

/**
 * A field for a scanner (or fast typing): Enter hands the exact text to `onScan`,
 * empties the field for the next scan, and shows the outcome — a status when
 * accepted, an alert when refused — with a beep.
 */
export function ScanField({
  label,
  hint,
  onScan,
  autoFocus = false,
}: {
  label: string;
  hint?: string;
  onScan: (sku: string) => Promise<ScanOutcome> | ScanOutcome;
  autoFocus?: boolean;
}) {
  const id = useId();
  const [outcome, setOutcome] = useState<ScanOutcome | null>(null);
  const [busy, setBusy] = useState(0);
  const latest = useRef(0);

  async function scan(text: string) {
    const turn = ++latest.current;
    setBusy((n) => n + 1);
    let result: ScanOutcome;
    try {
      result = await onScan(text);
    } catch (error) {
      result = { ok: false, message: errorInfo(error).message };
    } finally {
      setBusy((n) => n - 1);
    }
    beep(result.ok);
    // Scans are applied in the order they come; the message shows the last one.
    if (turn === latest.current) setOutcome(result);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const text = event.currentTarget.value.trim();
    event.currentTarget.value = '';
    if (text) void scan(text);
  }

  return (
    <div className="field scan-field">
      <label className="field__label" htmlFor={`${id}-scan`}>
        {label}
      </label>
      <input
        id={`${id}-scan`}
        className="input scan-field__input"
        autoComplete="off"
        spellCheck={false}
        // biome-ignore lint/a11y/noAutofocus: a scan station starts ready to scan
        autoFocus={autoFocus}
        placeholder="Scan or type a SKU, then Enter"
        aria-describedby={hint ? `${id}-hint` : undefined}
        onKeyDown={onKeyDown}
      />
      {hint && (
        <p id={`${id}-hint`} className="field__hint text-muted">
          {hint}
          {busy > 0 && ' · Looking up…'}
        </p>
      )}
      {outcome && (
        <p
          key={`${outcome.ok}:${outcome.message}:${latest.current}`}
          className={`alert ${outcome.ok ? 'alert--success' : 'alert--error'} scan-field__outcome`}
          role={outcome.ok ? 'status' : 'alert'}
        >
          {outcome.message}
        </p>
      )}
    </div>
  );
}
