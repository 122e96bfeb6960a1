/**
 * Scanning: a barcode scanner is a keyboard that types a SKU fast (0–10 ms a key)
 * and presses Enter. Whatever acts on that Enter must look up exactly the text in
 * the field at that moment — never a result list computed for an earlier,
 * debounced prefix (which opened the wrong product when SKUs share a prefix).
 */
import { TRPCClientError } from '@trpc/client';
import type { RouterOutputs } from '../trpc';

export type ScannedProduct = RouterOutputs['products']['get'];

const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Could this text be a SKU at all (the API's rule)? */
const looksLikeSku = (text: string): boolean => SKU.test(text);

/**
 * The product whose SKU is exactly `text`, or null when there is none. Errors other
 * than "not found" (the API away, signed out) are thrown: an unknown SKU and a
 * failed lookup are different answers to the person scanning.
 */
export async function productBySku(
  get: (input: { sku: string }) => Promise<ScannedProduct>,
  text: string,
): Promise<ScannedProduct | null> {
  const sku = text.trim();
  if (!looksLikeSku(sku)) return null;
  try {
    return await get({ sku });
  } catch (error) {
    if (error instanceof TRPCClientError && error.data?.appCode === 'NOT_FOUND') return null;
    throw error;
  }
}

let audio: AudioContext | undefined;

/** A short tone: high for a good scan, low and longer for a refusal (no sound files; silent where audio is unavailable). */
export function beep(kind: 'ok' | 'refused'): void {
  try {
    audio ??= new AudioContext();
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = kind === 'ok' ? 1320 : 220;
    gain.gain.value = 0.08;
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + (kind === 'ok' ? 0.08 : 0.35));
  } catch {
    // No audio device (or not allowed yet): the visible message is enough.
  }
}
