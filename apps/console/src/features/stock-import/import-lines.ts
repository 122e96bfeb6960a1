/**
 * The rows of a count file as the preview judged them, and what applying them
 * did. Only the changed rows are sent to `inventory.sync` (in chunks of 1,000,
 * its limit); every other row is reported with the reason it was left alone.
 */
import type { RouterInputs, RouterOutputs } from '../../trpc';
import type { CountRow } from './parse-count';

type Preview = RouterOutputs['inventory']['syncPreview'];
type SyncItem = RouterInputs['inventory']['sync']['items'][number];
type SyncResult = RouterOutputs['inventory']['sync'];

export type LineStatus = Preview['rows'][number]['status'];

export interface ImportLine extends CountRow {
  status: LineStatus;
  reason: string | null;
  warehouseId: string | null;
  /** The level now, when there is one. */
  current: { onHand: number; reserved: number; updatedAt: string } | null;
}

/** Rows whose on-hand cell is a number go to the preview; the others are invalid here. */
export const previewable = (rows: CountRow[]) => rows.filter((r) => r.onHand !== null);

export function judgedLines(rows: CountRow[], previewed: Preview['rows']): ImportLine[] {
  const judged = [...previewed];
  return rows.map((row): ImportLine => {
    if (row.onHand === null) {
      const reason = row.onHandText ? `on hand "${row.onHandText}" is not a number` : 'on hand is empty';
      return { ...row, status: 'invalid', reason, warehouseId: null, current: null };
    }
    const p = judged.shift();
    if (!p) return { ...row, status: 'invalid', reason: 'not judged', warehouseId: null, current: null };
    return { ...row, status: p.status, reason: p.reason, warehouseId: p.warehouseId, current: p.current };
  });
}

/** What a changed or unchanged row moves on hand by; null where the row is not applied. */
export function deltaOf(line: ImportLine): number | null {
  if ((line.status !== 'changed' && line.status !== 'unchanged') || line.onHand === null) return null;
  return line.onHand - (line.current?.onHand ?? 0);
}

export type Outcome =
  | { kind: 'applied'; onHand: number; version: number }
  | { kind: 'unchanged' }
  | { kind: 'stale' }
  | { kind: 'failed'; message: string }
  | { kind: 'skipped'; status: LineStatus };

export const CHUNK = 1_000;

export function syncItem(line: ImportLine): SyncItem {
  return {
    warehouseId: line.warehouseId as string,
    sku: line.sku,
    onHand: line.onHand as number,
    countedAt: line.countedAt,
  };
}

const keyOf = (warehouseId: string, sku: string) => `${warehouseId}:${sku}`;

/** The outcome of each line (by its line number) of one chunk sent to sync. */
export function chunkOutcomes(lines: ImportLine[], result: SyncResult): [number, Outcome][] {
  const changed = new Map(result.changed.map((l) => [keyOf(l.warehouseId, l.sku), l]));
  const stale = new Set(result.stale.map((s) => keyOf(s.warehouseId, s.sku)));
  return lines.map((line): [number, Outcome] => {
    const key = keyOf(line.warehouseId as string, line.sku);
    const level = changed.get(key);
    if (level) return [line.line, { kind: 'applied', onHand: level.onHand, version: level.version }];
    return [line.line, stale.has(key) ? { kind: 'stale' } : { kind: 'unchanged' }];
  });
}
