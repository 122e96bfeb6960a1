/**
 * A stock count file: `warehouse code, sku, on hand, counted at` (a header row;
 * column names compared without case, spaces or underscores; `warehouse` also
 * accepted). Parsed in the browser with csv-parse (quotes, BOM, CRLF). A row
 * whose on-hand is not a whole number ≥ 0 is invalid here, with its reason; the
 * rest are judged by the server (inventory.syncPreview).
 */
import { parse } from 'csv-parse/browser/esm/sync';

export interface CountRow {
  /** 1-based line of the file (the header is line 1). */
  line: number;
  warehouse: string;
  sku: string;
  onHand: number | null;
  countedAt: string | undefined;
  /** Why the row cannot be sent at all (null: the server judges it). */
  problem: string | null;
}

const COLUMN_NAMES: Record<string, keyof Pick<CountRow, 'warehouse' | 'sku' | 'onHand' | 'countedAt'>> = {
  warehousecode: 'warehouse',
  warehouse: 'warehouse',
  sku: 'sku',
  onhand: 'onHand',
  countedat: 'countedAt',
};

const REQUIRED = ['warehouse', 'sku', 'onHand'] as const;

/** The rows of a count file, or the reason the file cannot be read. */
export function parseCountCsv(text: string): { rows: CountRow[] } | { error: string } {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (error) {
    return { error: `This is not a CSV file we can read: ${(error as Error).message}` };
  }
  const [header, ...body] = records;
  if (!header) return { error: 'The file is empty.' };
  const index = new Map<string, number>();
  header.forEach((name, i) => {
    const key = COLUMN_NAMES[name.toLowerCase().replace(/[\s_-]/g, '')];
    if (key && !index.has(key)) index.set(key, i);
  });
  const missing = REQUIRED.filter((c) => !index.has(c));
  if (missing.length > 0) {
    return {
      error: `Missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (expected: warehouse code, sku, on hand, counted at).`,
    };
  }
  if (body.length === 0) return { error: 'The file has a header but no rows.' };
  if (body.length > 10_000) return { error: `The file has ${body.length} rows; at most 10,000 at a time.` };
  const cell = (record: string[], key: string) => {
    const i = index.get(key);
    return i === undefined ? '' : (record[i] ?? '').trim();
  };
  const rows = body.map((record, i): CountRow => {
    const raw = cell(record, 'onHand');
    const onHand = /^\d+$/.test(raw) ? Number(raw) : null;
    const countedAt = cell(record, 'countedAt') || undefined;
    return {
      line: i + 2,
      warehouse: cell(record, 'warehouse'),
      sku: cell(record, 'sku'),
      onHand,
      countedAt,
      problem: onHand === null ? `On hand “${raw}” is not a whole number of 0 or more.` : null,
    };
  });
  return { rows };
}
