import { useState } from 'react';
import { Link } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { formatNumber } from '../../lib/format';
import { type RouterOutputs, trpc } from '../../trpc';
import { type CountRow, parseCountCsv } from './count-csv';
import { CountPreviewTable, type Judged } from './count-preview-table';

type Preview = RouterOutputs['inventory']['syncPreview'];
const CHUNK = 1000;

/** The file's rows with the server's judgement (rows invalid in the file itself are judged here). */
function judge(rows: CountRow[], preview: Preview): Judged[] {
  const sent = rows.filter((r) => r.problem === null);
  const answers = new Map(sent.map((r, i) => [r.line, preview.rows[i]]));
  return rows.map((r) => {
    const answer = answers.get(r.line);
    return {
      line: r.line,
      warehouse: r.warehouse,
      warehouseId: answer?.warehouseId ?? null,
      sku: r.sku,
      onHand: r.onHand,
      countedAt: r.countedAt ?? null,
      status: answer?.status ?? 'invalid',
      reason: answer ? answer.reason : r.problem,
      current: answer?.current?.onHand ?? null,
      outcome: null,
    };
  });
}

/** Apply the changed rows through inventory.sync (≤1000 a request), and say per row what happened. */
async function apply(
  rows: Judged[],
  sync: (items: { warehouseId: string; sku: string; onHand: number; countedAt?: string }[]) => Promise<{
    stale: { warehouseId: string; sku: string }[];
  }>,
): Promise<Judged[]> {
  const changed = rows.filter((r) => r.status === 'changed' && r.warehouseId && r.onHand !== null);
  const stale = new Set<string>();
  for (let start = 0; start < changed.length; start += CHUNK) {
    const items = changed.slice(start, start + CHUNK).map((r) => ({
      warehouseId: r.warehouseId as string,
      sku: r.sku,
      onHand: r.onHand as number,
      ...(r.countedAt ? { countedAt: r.countedAt } : {}),
    }));
    const result = await sync(items);
    for (const s of result.stale) stale.add(`${s.warehouseId}:${s.sku}`);
  }
  return rows.map((r) => {
    if (r.status !== 'changed') return { ...r, outcome: 'not applied' };
    return { ...r, outcome: stale.has(`${r.warehouseId}:${r.sku}`) ? 'stale: changed meanwhile' : 'applied' };
  });
}

/**
 * Import a stock count: read the file, see what it would do row by row (changed,
 * unchanged, stale, invalid, each with its reason) before anything is written,
 * then apply the changed rows and read the report.
 */
/** The file's rows as judged, and the two steps: read a file (preview), apply. */
function useCountImport() {
  const preview = trpc.inventory.syncPreview.useMutation();
  const sync = trpc.inventory.sync.useMutation();
  const [fileError, setFileError] = useState<string | null>(null);
  const [rows, setRows] = useState<Judged[] | null>(null);
  const [applied, setApplied] = useState(false);

  async function onFile(file: File | undefined) {
    setRows(null);
    setApplied(false);
    setFileError(null);
    preview.reset();
    sync.reset();
    if (!file) return;
    const parsed = parseCountCsv(await file.text());
    if ('error' in parsed) return setFileError(parsed.error);
    const sendable = parsed.rows.filter((r) => r.problem === null);
    const answer =
      sendable.length > 0
        ? await preview.mutateAsync({
            rows: sendable.map((r) => ({
              warehouse: r.warehouse,
              sku: r.sku,
              onHand: r.onHand as number,
              ...(r.countedAt ? { countedAt: r.countedAt } : {}),
            })),
          })
        : { rows: [], counts: { changed: 0, unchanged: 0, stale: 0, invalid: 0 } };
    setRows(judge(parsed.rows, answer));
  }

  async function onApply() {
    if (!rows) return;
    const report = await apply(rows, (items) =>
      sync.mutateAsync({ items, idempotencyKey: crypto.randomUUID() }),
    );
    setRows(report);
    setApplied(true);
  }

  return { preview, sync, fileError, rows, applied, onFile, onApply };
}

export function StockImportPage() {
  const { preview, sync, fileError, rows, applied, onFile, onApply } = useCountImport();
  const changed = rows?.filter((r) => r.status === 'changed').length ?? 0;
  return (
    <div className="stack stack--lg">
      <PageHeader
        title="Import a stock count"
        description="A CSV with the columns warehouse code, sku, on hand, counted at. Nothing is written until you apply."
        actions={
          <Link className="button" href="/stock">
            Back to stock
          </Link>
        }
      />
      <section className="card panel stack" aria-label="Count file">
        <div className="field">
          <label className="field__label" htmlFor="count-file">
            Count file (CSV)
          </label>
          <input
            id="count-file"
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => void onFile(e.currentTarget.files?.[0])}
          />
        </div>
        {fileError && (
          <p className="alert alert--error" role="alert">
            {fileError}
          </p>
        )}
        <ErrorMessage error={preview.error ?? sync.error} />
      </section>
      {rows && (
        <CountPreviewTable
          rows={rows}
          applied={applied}
          action={
            !applied && (
              <button
                type="button"
                className="button button--primary"
                disabled={changed === 0 || sync.isPending}
                onClick={() => void onApply()}
              >
                Apply {formatNumber(changed)} changed {changed === 1 ? 'row' : 'rows'}
              </button>
            )
          }
        />
      )}
    </div>
  );
}
