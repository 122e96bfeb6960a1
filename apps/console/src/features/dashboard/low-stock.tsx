import { getQueryKey } from '@trpc/react-query';
import { Link } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { LoadMore } from '../../components/load-more';
import { EmptyState, SkeletonRows } from '../../components/states';
import { formatNumber } from '../../lib/format';
import { useCursorPages } from '../../lib/use-cursor-pages';
import { trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';

/** Levels at or below their safety stock, emptiest first. */
export function LowStock() {
  const { byId } = useWarehouses();
  const utils = trpc.useUtils();
  const input = { lowStock: true, sort: 'available', limit: 8 } as const;
  const query = useCursorPages(getQueryKey(trpc.inventory.list, input, 'infinite'), (cursor) =>
    utils.client.inventory.list.query({ ...input, cursor }),
  );
  const levels = query.items;

  return (
    <section className="card panel" aria-labelledby="low-stock-title">
      <header className="panel__header">
        <h2 id="low-stock-title">Low stock</h2>
        <span className="text-muted text-sm">available ≤ safety stock</span>
      </header>
      {query.error && !query.isFetchNextPageError && <ErrorMessage error={query.error} />}
      {!query.isPending && levels.length === 0 && !query.error ? (
        <EmptyState title="Nothing is running low">Every level is above its safety stock.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table table--compact">
            <thead>
              <tr>
                <th scope="col">SKU</th>
                <th scope="col">Warehouse</th>
                <th scope="col" className="numeric">
                  Available
                </th>
                <th scope="col" className="numeric">
                  Safety
                </th>
              </tr>
            </thead>
            <tbody>
              {query.isPending ? (
                <SkeletonRows rows={5} columns={4} />
              ) : (
                levels.map((level) => (
                  <tr key={`${level.warehouseId}:${level.sku}`}>
                    <td>
                      <Link href={`/products/${encodeURIComponent(level.sku)}`}>{level.sku}</Link>
                    </td>
                    <td>{byId.get(level.warehouseId)?.code ?? '…'}</td>
                    <td className="numeric">
                      <span className={level.available <= 0 ? 'qty qty--out' : 'qty qty--low'}>
                        {formatNumber(level.available)}
                      </span>
                    </td>
                    <td className="numeric">{formatNumber(level.safetyStock)}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore
        auto={false}
        hasNextPage={query.hasNextPage}
        isFetchingNextPage={query.isFetchingNextPage}
        fetchNextPage={query.fetchNextPage}
        error={query.isFetchNextPageError ? query.error : null}
        label="Show more"
      />
    </section>
  );
}
