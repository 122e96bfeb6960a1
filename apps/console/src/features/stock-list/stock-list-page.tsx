import { getQueryKey } from '@trpc/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { ExportLink } from '../../components/export-link';
import { PageHeader } from '../../components/page-header';
import { WarehouseSelect } from '../../components/warehouse-select';
import { useCursorPages } from '../../lib/use-cursor-pages';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import { StockListTable, type StockSort } from './stock-list-table';

/**
 * Every stock level the person may see, filtered (warehouse, SKU or name, low
 * stock) and sorted by the columns the API sorts by; long lists scroll in a
 * virtualised table. Export CSV downloads exactly what the filters select.
 */
export function StockListPage() {
  const utils = trpc.useUtils();
  const { byId } = useWarehouses();
  const [warehouseId, setWarehouseId] = useState('');
  const [text, setText] = useState('');
  const [lowStock, setLowStock] = useState(false);
  const [sort, setSort] = useState<StockSort>('sku');
  const query = useDebouncedValue(text.trim(), 250);
  const filters = {
    warehouseId: warehouseId || undefined,
    query: query || undefined,
    lowStock: lowStock || undefined,
    sort,
  };
  const input = { ...filters, limit: 100 };
  const pages = useCursorPages(
    getQueryKey(trpc.inventory.list, input, 'infinite'),
    (cursor) => utils.client.inventory.list.query({ ...input, cursor }),
    { keepPrevious: true },
  );

  return (
    <div className="stack stack--lg">
      <PageHeader
        title="Stock"
        description="Every level you can see. Sort by SKU, available units or last change; export what is filtered."
        actions={
          <div className="button-row">
            <ExportLink
              list="stock"
              filters={filters}
              description="Every stock level these filters select, as a CSV file"
            />
            <Link className="button" href="/stock/import">
              Import a count
            </Link>
          </div>
        }
      />
      <StockFilters
        warehouseId={warehouseId}
        onWarehouse={setWarehouseId}
        text={text}
        onText={setText}
        lowStock={lowStock}
        onLowStock={setLowStock}
      />
      {pages.error && !pages.isFetchNextPageError && <ErrorMessage error={pages.error} />}
      <section className="card panel">
        <StockListTable
          rows={pages.items}
          pending={pages.isPending}
          pager={pages}
          warehouseCode={(id) => byId.get(id)?.code ?? id.slice(0, 8)}
          sort={sort}
          onSort={setSort}
        />
      </section>
    </div>
  );
}

function StockFilters(props: {
  warehouseId: string;
  onWarehouse: (id: string) => void;
  text: string;
  onText: (text: string) => void;
  lowStock: boolean;
  onLowStock: (on: boolean) => void;
}) {
  const { warehouseId, onWarehouse, text, onText, lowStock, onLowStock } = props;
  const { warehouses } = useWarehouses();
  return (
    <search className="card search-bar" aria-label="Filter stock">
      <WarehouseSelect
        id="stock-warehouse"
        warehouses={warehouses}
        value={warehouseId}
        onChange={onWarehouse}
        anyLabel="All warehouses"
      />
      <div className="field">
        <label className="field__label" htmlFor="stock-query">
          SKU or name contains
        </label>
        <input
          id="stock-query"
          className="input"
          type="search"
          value={text}
          onChange={(e) => onText(e.currentTarget.value)}
        />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={lowStock} onChange={(e) => onLowStock(e.currentTarget.checked)} /> Low
        stock only
      </label>
    </search>
  );
}
