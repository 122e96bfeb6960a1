import { getQueryKey } from '@trpc/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useSearchParams } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { ExportLink } from '../../components/export-link';
import { PageHeader } from '../../components/page-header';
import { WarehouseSelect } from '../../components/warehouse-select';
import { useCursorPages } from '../../lib/use-cursor-pages';
import { trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import { MovementsTable } from './movements-table';

/** The filters, kept in the URL. */
function useLedgerFilters() {
  const [params, setParams] = useSearchParams();
  const warehouseId = params.get('warehouse') ?? '';
  const sku = params.get('sku') ?? '';
  const update = (next: { warehouse?: string; sku?: string }) => {
    const merged = { warehouse: warehouseId, sku, ...next };
    const search = new URLSearchParams();
    if (merged.warehouse) search.set('warehouse', merged.warehouse);
    if (merged.sku) search.set('sku', merged.sku);
    setParams(search);
  };
  return { warehouseId, sku, update, clear: () => setParams(new URLSearchParams()) };
}

function useMovements(warehouseId: string, sku: string) {
  const utils = trpc.useUtils();
  const input = { warehouseId: warehouseId || undefined, sku: sku || undefined, limit: 50 };
  return useCursorPages(getQueryKey(trpc.inventory.movements, input, 'infinite'), (cursor) =>
    utils.client.inventory.movements.query({ ...input, cursor }),
  );
}

/** The stock ledger, newest first, for one product and/or one warehouse (filters in the URL). */
export function MovementsPage() {
  const { warehouses } = useWarehouses();
  const id = useId();
  const { warehouseId, sku, update, clear } = useLedgerFilters();
  const [skuText, setSkuText] = useState(sku);
  useEffect(() => setSkuText(sku), [sku]);
  const query = useMovements(warehouseId, sku);
  const movements = query.items;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    update({ sku: skuText.trim() });
  }

  return (
    <div className="stack">
      <PageHeader
        title="Movements"
        description="The stock ledger: every change to on hand or reserved, with who made it and why."
        actions={
          <ExportLink
            list="movements"
            filters={{ warehouseId, sku }}
            description="Every movement these filters select, as a CSV file"
          />
        }
      />
      <form className="card filter-bar" onSubmit={onSubmit} aria-label="Filter movements">
        <WarehouseSelect
          id={`${id}-warehouse`}
          warehouses={warehouses}
          value={warehouseId}
          onChange={(warehouse) => update({ warehouse })}
          anyLabel="All warehouses"
        />
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
            <button type="button" className="button" onClick={clear}>
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
            pager={query}
          />
        </div>
      ) : null}
    </div>
  );
}
