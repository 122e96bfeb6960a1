/**
 * A stock count file (`warehouse code, sku, on hand, counted at`) read in the
 * browser with csv-parse. The header names the columns (in any order, any case,
 * spaces or underscores); a file that is not CSV, or lacks a column, is refused
 * as a whole with what is wrong. Cells are checked by the API's preview, except
 * an on-hand cell that is not a number at all, which is judged here.
 */
import { parse } from 'csv-parse/browser/esm/sync';

export interface CountRow {
  /** The line of the file the row starts on (the header is line 1). */
  line: number;
  warehouse: string;
  sku: string;
  /** The on-hand cell as typed. */
  onHandText: string;
  /** The on-hand cell as a number; null when it is not one. */
  onHand: number | null;
  countedAt: string | undefined;
}

export type ParsedCount =
  | { ok: true; rows: CountRow[]; hasCountedAt: boolean }
  | { ok: false; error: string };

/** The API previews at most this many rows at once. */
const MAX_ROWS = 10_000;

type Column = 'warehouse' | 'sku' | 'onHand' | 'countedAt';

const ALIASES: Record<Column, string[]> = {
  warehouse: ['warehouse code', 'warehousecode', 'warehouse', 'warehouse id', 'warehouseid'],
  sku: ['sku'],
  onHand: ['on hand', 'onhand', 'count', 'counted', 'quantity', 'qty'],
  countedAt: ['counted at', 'countedat'],
};

const LABEL: Record<Column, string> = {
  warehouse: 'warehouse code',
  sku: 'sku',
  onHand: 'on hand',
  countedAt: 'counted at',
};

const normalise = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');

function columnsOf(header: string[]): Record<Column, number> | string {
  const names = header.map(normalise);
  const index = {} as Record<Column, number>;
  for (const column of Object.keys(ALIASES) as Column[]) {
    index[column] = names.findIndex((name) => ALIASES[column].includes(name));
  }
  const missing = (['warehouse', 'sku', 'onHand'] as const).filter((c) => index[c] < 0);
  if (missing.length === 0) return index;
  const found = header.length > 0 ? header.map((h) => `"${h}"`).join(', ') : 'none';
  return `The file has no ${missing.map((c) => `"${LABEL[c]}"`).join(', ')} column (the first line names the columns: warehouse code, sku, on hand, counted at). Columns found: ${found}.`;
}

const NUMBER = /^[-+]?\d+(\.\d+)?$/;

interface Record_ {
  record: string[];
  info: { lines: number };
}

export function parseCount(text: string): ParsedCount {
  let records: Record_[];
  try {
    records = parse(text, {
      bom: true,
      delimiter: [',', ';', '\t'],
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as Record_[];
  } catch (error) {
    return { ok: false, error: `This is not a CSV file we can read: ${(error as Error).message}` };
  }
  const [header, ...body] = records;
  if (!header) return { ok: false, error: 'The file is empty.' };
  const columns = columnsOf(header.record);
  if (typeof columns === 'string') return { ok: false, error: columns };
  if (body.length === 0) return { ok: false, error: 'The file has a header but no rows.' };
  if (body.length > MAX_ROWS) {
    return { ok: false, error: `The file has ${body.length} rows; import at most ${MAX_ROWS} at a time.` };
  }
  const cell = (r: string[], column: Column) => (columns[column] < 0 ? '' : (r[columns[column]] ?? ''));
  const rows = body.map(({ record, info }): CountRow => {
    const onHandText = cell(record, 'onHand');
    return {
      line: info.lines,
      warehouse: cell(record, 'warehouse'),
      sku: cell(record, 'sku'),
      onHandText,
      onHand: NUMBER.test(onHandText) ? Number(onHandText) : null,
      countedAt: cell(record, 'countedAt') || undefined,
    };
  });
  return { ok: true, rows, hasCountedAt: columns.countedAt >= 0 };
}
