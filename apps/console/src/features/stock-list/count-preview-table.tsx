import type { ReactNode } from 'react';
import { formatNumber } from '../../lib/format';

export interface Judged {
  line: number;
  warehouse: string;
  warehouseId: string | null;
  sku: string;
  onHand: number | null;
  countedAt: string | null;
  status: 'changed' | 'unchanged' | 'stale' | 'invalid';
  reason: string | null;
  /** On hand now (null: no level yet, or not known). */
  current: number | null;
  /** After applying: what happened to the row. */
  outcome: string | null;
}

const BADGE: Record<Judged['status'], string> = {
  changed: 'badge badge--info',
  unchanged: 'badge badge--muted',
  stale: 'badge badge--warning',
  invalid: 'badge badge--danger',
};

/** The preview (or, after applying, the report): one row per line of the file. */
export function CountPreviewTable({
  rows,
  applied,
  action,
}: {
  rows: Judged[];
  applied: boolean;
  action: ReactNode;
}) {
  const count = (status: Judged['status']) => rows.filter((r) => r.status === status).length;
  return (
    <section className="card panel" aria-labelledby="count-preview-title">
      <header className="panel__header">
        <h2 id="count-preview-title">{applied ? 'Result' : 'Preview'}</h2>
        {action}
      </header>
      <p className="text-muted" aria-live="polite">
        {formatNumber(count('changed'))} changed · {formatNumber(count('unchanged'))} unchanged ·{' '}
        {formatNumber(count('stale'))} stale · {formatNumber(count('invalid'))} invalid
      </p>
      <div className="table-wrap">
        <table className="table" aria-label={applied ? 'Import result' : 'Import preview'}>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Warehouse</th>
              <th scope="col">SKU</th>
              <th scope="col" className="numeric">
                Now
              </th>
              <th scope="col" className="numeric">
                Counted
              </th>
              <th scope="col">Status</th>
              <th scope="col">Why</th>
              {applied && <th scope="col">Outcome</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.line}>
                <td className="numeric">{r.line}</td>
                <td>{r.warehouse}</td>
                <td>
                  <code>{r.sku}</code>
                </td>
                <td className="numeric">{r.current === null ? '—' : formatNumber(r.current)}</td>
                <td className="numeric">{r.onHand === null ? '—' : formatNumber(r.onHand)}</td>
                <td>
                  <span className={BADGE[r.status]}>{r.status}</span>
                </td>
                <td>{r.reason ?? ''}</td>
                {applied && <td>{r.outcome}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
