import { useId, useState } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { EmptyState, SkeletonRows } from '../../components/states';
import { type RouterInputs, type RouterOutputs, trpc } from '../../trpc';
import { formatMinorDigits, formatUnits } from './money';

type SalesInput = RouterInputs['orders']['sales'];
type Sales = RouterOutputs['orders']['sales'];
type GroupBy = 'day' | 'product';

/** A UTC day "YYYY-MM-DD" → that day's start; `next` the start of the day after (an inclusive "to"). */
function dayStart(day: string, next = false): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return undefined;
  if (next) date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString();
}

/**
 * Sales of the seller's products (admins: every product): units and revenue of
 * order lines in orders that were paid, by UTC day or by product, with totals.
 */
export function SalesPage() {
  const id = useId();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [groupBy, setGroupBy] = useState<GroupBy>('product');
  const input: SalesInput = {
    groupBy,
    ...(dayStart(from) ? { from: dayStart(from) } : {}),
    ...(dayStart(to, true) ? { to: dayStart(to, true) } : {}),
  };
  const query = trpc.orders.sales.useQuery(input);
  const rows = query.data?.rows ?? [];

  return (
    <div className="stack stack--lg">
      <PageHeader
        title="Sales"
        description="Units and revenue of your products in orders that were paid (paid, picking, shipped, delivered). Days are UTC."
      />
      <SalesFilters
        from={from}
        onFrom={setFrom}
        to={to}
        onTo={setTo}
        groupBy={groupBy}
        onGroupBy={setGroupBy}
      />
      <ErrorMessage error={query.error} />
      {!query.isPending && !query.error && rows.length === 0 ? (
        <EmptyState title="No sales in this range">Paid orders of your products will show here.</EmptyState>
      ) : (
        <section className="card panel" aria-labelledby={`${id}-title`}>
          <header className="panel__header">
            <h2 id={`${id}-title`}>{groupBy === 'day' ? 'By day' : 'By product'}</h2>
          </header>
          <SalesTable
            groupBy={groupBy}
            pending={query.isPending}
            rows={rows}
            totals={query.data?.totals ?? []}
          />
        </section>
      )}
    </div>
  );
}

function SalesFilters({
  from,
  onFrom,
  to,
  onTo,
  groupBy,
  onGroupBy,
}: {
  from: string;
  onFrom: (day: string) => void;
  to: string;
  onTo: (day: string) => void;
  groupBy: GroupBy;
  onGroupBy: (groupBy: GroupBy) => void;
}) {
  const id = useId();
  return (
    <form className="button-row" aria-label="Sales filters" onSubmit={(e) => e.preventDefault()}>
      <div className="field field--inline">
        <label className="field__label" htmlFor={`${id}-from`}>
          From
        </label>
        <input
          id={`${id}-from`}
          className="input"
          type="date"
          value={from}
          onChange={(e) => onFrom(e.currentTarget.value)}
        />
      </div>
      <div className="field field--inline">
        <label className="field__label" htmlFor={`${id}-to`}>
          To
        </label>
        <input
          id={`${id}-to`}
          className="input"
          type="date"
          value={to}
          onChange={(e) => onTo(e.currentTarget.value)}
        />
      </div>
      <div className="field field--inline">
        <label className="field__label" htmlFor={`${id}-group`}>
          Group by
        </label>
        <select
          id={`${id}-group`}
          className="input"
          value={groupBy}
          onChange={(e) => onGroupBy(e.currentTarget.value === 'day' ? 'day' : 'product')}
        >
          <option value="product">Product</option>
          <option value="day">Day</option>
        </select>
      </div>
    </form>
  );
}

function SalesTable({
  groupBy,
  pending,
  rows,
  totals,
}: {
  groupBy: GroupBy;
  pending: boolean;
  rows: Sales['rows'];
  totals: Sales['totals'];
}) {
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Sales">
        <thead>
          <tr>
            <th scope="col">{groupBy === 'day' ? 'Day (UTC)' : 'Product'}</th>
            <th scope="col" className="numeric">
              Units
            </th>
            <th scope="col" className="numeric">
              Revenue
            </th>
          </tr>
        </thead>
        <tbody>
          {pending ? (
            <SkeletonRows rows={3} columns={3} />
          ) : (
            rows.map((row) => (
              <tr key={`${row.day ?? row.sku}-${row.currency}`}>
                <th scope="row">
                  {row.day ?? (
                    <>
                      <span className="numeric">{row.sku}</span> {row.name}
                    </>
                  )}
                </th>
                <td className="numeric">{formatUnits(row.units)}</td>
                <td className="numeric">{formatMinorDigits(row.revenueMinor, row.currency)}</td>
              </tr>
            ))
          )}
        </tbody>
        <tfoot>
          {totals.map((total) => (
            <tr key={total.currency} data-testid="sales-total">
              <th scope="row">Total ({total.currency})</th>
              <td className="numeric">{formatUnits(total.units)}</td>
              <td className="numeric">{formatMinorDigits(total.revenueMinor, total.currency)}</td>
            </tr>
          ))}
        </tfoot>
      </table>
    </div>
  );
}
