import { getQueryKey } from '@trpc/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useSearchParams } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { LoadMore } from '../../components/load-more';
import { PageHeader } from '../../components/page-header';
import { useCursorPages } from '../../lib/use-cursor-pages';
import { trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import { MovementsTable } from './movements-table';

/** The stock ledger, newest first, for one product and/or one warehouse (filters in the URL). */
export function MovementsPage() {
  const id = useId();
  const [params, setParams] = useSearchParams();
  const warehouseId = params.get('warehouse') ?? '';
  const sku = params.get('sku') ?? '';
  const [skuText, setSkuText] = useState(sku);
  const { warehouses } = useWarehouses();

  useEffect(() => setSkuText(sku), [sku]);

  const utils = trpc.useUtils();
  const input = { warehouseId: warehouseId || undefined, sku: sku || undefined, limit: 50 };
  const query = useCursorPages(getQueryKey(trpc.inventory.movements, input, 'infinite'), (cursor) =>
    utils.client.inventory.movements.query({ ...input, cursor }),
  );
  const movements = query.items;

  const update = (next: { warehouse?: string; sku?: string }) => {
    const merged = { warehouse: warehouseId, sku, ...next };
    const search = new URLSearchParams();
    if (merged.warehouse) search.set('warehouse', merged.warehouse);
    if (merged.sku) search.set('sku', merged.sku);
    setParams(search);
  };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    update({ sku: skuText.trim() });
  }

  return (
    <div className="stack">
      <PageHeader
        title="Movements"
        description="The stock ledger: every change to on hand or reserved, with who made it and why."
      />
      <form className="card filter-bar" onSubmit={onSubmit} aria-label="Filter movements">
        <div className="field">
          <label className="field__label" htmlFor={`${id}-warehouse`}>
            Warehouse
          </label>
          <select
            id={`${id}-warehouse`}
            className="input"
            value={warehouseId}
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
          <label className="field__label" htmlFor={`${id}-sku`}>
            SKU
          </label>
          <input
            id={`${id}-sku`}
            className="input"
            autoComplete="off"
            spellCheck={false}
            placeholder="e.g. EL-HDP-001"
            value={skuText}
            onChange={(e) => setSkuText(e.currentTarget.value)}
          />
        </div>
        <div className="filter-bar__actions">
          <button type="submit" className="button button--primary">
            Apply
          </button>
          {(sku || warehouseId) && (
            <button type="button" className="button" onClick={() => setParams(new URLSearchParams())}>
              Clear
            </button>
          )}
        </div>
      </form>

      {query.error && !query.isFetchNextPageError && <ErrorMessage error={query.error} />}
      {!query.error || query.isFetchNextPageError ? (
        <div className="card table-card">
          <MovementsTable
            movements={movements}
            loading={query.isPending}
            caption="Stock movements, newest first"
          />
        </div>
      ) : null}
      <LoadMore
        hasNextPage={query.hasNextPage}
        isFetchingNextPage={query.isFetchingNextPage}
        fetchNextPage={query.fetchNextPage}
        error={query.isFetchNextPageError ? query.error : null}
      />
    </div>
  );
}
