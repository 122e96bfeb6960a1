import { getQueryKey } from '@trpc/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { ExportLink } from '../../components/export-link';
import { LoadMore } from '../../components/load-more';
import { PageHeader } from '../../components/page-header';
import { EmptyState, SkeletonRows } from '../../components/states';
import { formatDateTime, formatNumber, formatRelative } from '../../lib/format';
import { useCursorPages } from '../../lib/use-cursor-pages';
import { type RouterOutputs, trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import './stock.css';

type Level = RouterOutputs['inventory']['list']['items'][number];

/** The filters, kept in the URL (so a filtered list can be shared, and exported as it is). */
function useStockFilters() {
  const [params, setParams] = useSearchParams();
  const filters = {
    warehouse: params.get('warehouse') ?? '',
    q: params.get('q') ?? '',
    low: params.get('low') === '1',
  };
  const update = (next: Partial<typeof filters>) => {
    const merged = { ...filters, ...next };
    const search = new URLSearchParams();
    if (merged.warehouse) search.set('warehouse', merged.warehouse);
    if (merged.q) search.set('q', merged.q);
    if (merged.low) search.set('low', '1');
    setParams(search);
  };
  return { filters, update, clear: () => setParams(new URLSearchParams()) };
}

function LevelRow({ level }: { level: Level }) {
  const { byId } = useWarehouses();
  const low = level.available <= level.safetyStock;
  return (
    <tr>
      <th scope="row">
        <Link href={`/products/${encodeURIComponent(level.sku)}`}>{level.sku}</Link>
      </th>
      <td>{byId.get(level.warehouseId)?.code ?? level.warehouseId.slice(0, 8)}</td>
      <td className="numeric">{formatNumber(level.onHand)}</td>
      <td className="numeric">{formatNumber(level.reserved)}</td>
      <td className="numeric">
        <span className={`qty ${level.available <= 0 ? 'qty--out' : low ? 'qty--low' : ''}`}>
          {formatNumber(level.available)}
          {low && <span className="visually-hidden"> (low)</span>}
        </span>
      </td>
      <td className="numeric hide-narrow">{formatNumber(level.safetyStock)}</td>
      <td className="hide-narrow nowrap">
        <time dateTime={level.updatedAt} title={formatDateTime(level.updatedAt)}>
          {formatRelative(level.updatedAt)}
        </time>
      </td>
    </tr>
  );
}

function LevelsTable({ levels, loading }: { levels: Level[]; loading: boolean }) {
  if (!loading && levels.length === 0) {
    return <EmptyState title="No stock level matches these filters" />;
  }
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Stock levels by SKU and warehouse</caption>
        <thead>
          <tr>
            <th scope="col">SKU</th>
            <th scope="col">Warehouse</th>
            <th scope="col" className="numeric">
              On hand
            </th>
            <th scope="col" className="numeric">
              Reserved
            </th>
            <th scope="col" className="numeric">
              Available
            </th>
            <th scope="col" className="numeric hide-narrow">
              Safety
            </th>
            <th scope="col" className="hide-narrow">
              Updated
            </th>
          </tr>
        </thead>
        <tbody>
          {loading ? (
            <SkeletonRows rows={5} columns={7} />
          ) : (
            levels.map((l) => <LevelRow key={`${l.warehouseId}:${l.sku}`} level={l} />)
          )}
        </tbody>
      </table>
    </div>
  );
}

function StockFilters({ id }: { id: string }) {
  const { filters, update, clear } = useStockFilters();
  const { warehouses } = useWarehouses();
  const [text, setText] = useState(filters.q);
  useEffect(() => setText(filters.q), [filters.q]);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    update({ q: text.trim() });
  }
  return (
    <form className="card filter-bar" onSubmit={onSubmit} aria-label="Filter stock levels">
      <div className="field">
        <label className="field__label" htmlFor={`${id}-warehouse`}>
          Warehouse
        </label>
        <select
          id={`${id}-warehouse`}
          className="input"
          value={filters.warehouse}
          onChange={(e) => update({ warehouse: e.currentTarget.value })}
        >
          <option value="">All warehouses</option>
          {warehouses.map((w) => (
            <option key={w.id} value={w.id}>
              {w.code} — {w.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-q`}>
          SKU or name contains
        </label>
        <input
          id={`${id}-q`}
          className="input"
          autoComplete="off"
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
        />
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={filters.low}
          onChange={(e) => update({ low: e.currentTarget.checked })}
        />
        Low stock only
      </label>
      <div className="filter-bar__actions">
        <button type="submit" className="button button--primary">
          Apply
        </button>
        {(filters.q || filters.warehouse || filters.low) && (
          <button type="button" className="button" onClick={clear}>
            Clear
          </button>
        )}
      </div>
    </form>
  );
}

/** Every stock level (by SKU, then warehouse), filtered; the filtered list exports as CSV. */
export function StockLevelsPage() {
  const id = useId();
  const { filters } = useStockFilters();
  const utils = trpc.useUtils();
  const input = {
    warehouseId: filters.warehouse || undefined,
    query: filters.q || undefined,
    lowStock: filters.low || undefined,
    limit: 50,
  };
  const query = useCursorPages(getQueryKey(trpc.inventory.list, input, 'infinite'), (cursor) =>
    utils.client.inventory.list.query({ ...input, cursor }),
  );
  return (
    <div className="stack">
      <PageHeader
        title="Stock"
        description="Every stock level by SKU and warehouse. The export holds every level the filters select."
        actions={
          <div className="button-group">
            <Link className="button button--small" href="/stock/import">
              Import a count
            </Link>
            <ExportLink
              list="stock"
              filters={{ warehouseId: input.warehouseId, query: input.query, lowStock: input.lowStock }}
              description="Every stock level these filters select, as a CSV file"
            />
          </div>
        }
      />
      <StockFilters id={id} />
      {query.error && !query.isFetchNextPageError && <ErrorMessage error={query.error} />}
      {(!query.error || query.isFetchNextPageError) && (
        <div className="card table-card">
          <LevelsTable levels={query.items} loading={query.isPending} />
        </div>
      )}
      <LoadMore
        hasNextPage={query.hasNextPage}
        isFetchingNextPage={query.isFetchingNextPage}
        fetchNextPage={query.fetchNextPage}
        error={query.isFetchNextPageError ? query.error : null}
      />
    </div>
  );
}
