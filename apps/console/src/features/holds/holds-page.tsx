import { getQueryKey } from '@trpc/react-query';
import { useId, useState } from 'react';
import { useSearchParams } from 'wouter';
import { DataTable } from '../../components/data-table';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { EmptyState } from '../../components/states';
import { formatNumber, formatStatus } from '../../lib/format';
import { useCursorPages } from '../../lib/use-cursor-pages';
import { trpc } from '../../trpc';
import { useWarehouses, type Warehouse } from '../warehouses/use-warehouses';
import { useHoldColumns } from './hold-columns';
import { HOLD_STATUSES, type Hold, isHoldStatus } from './hold-values';
import { ReleaseDialog } from './release-dialog';

/** Holds, newest first: what is held where, for whom, how long is left; staff release stuck ones. */
export function HoldsPage() {
  const id = useId();
  const [params, setParams] = useSearchParams();
  const rawStatus = params.get('status');
  const status = isHoldStatus(rawStatus) ? rawStatus : rawStatus === 'all' ? undefined : 'pending';
  const warehouseId = params.get('warehouse') || undefined;
  const { warehouses, byId } = useWarehouses();
  const utils = trpc.useUtils();
  const input = { status, warehouseId, limit: 25 };
  const query = useCursorPages(getQueryKey(trpc.reservations.list, input, 'infinite'), (cursor) =>
    utils.client.reservations.list.query({ ...input, cursor }),
  );
  const [releasing, setReleasing] = useState<Hold | null>(null);
  const holds = query.items;

  const setParam = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };
  const code = (warehouse: string) => byId.get(warehouse)?.code ?? warehouse;
  const describe = (hold: Hold) =>
    hold.lines.map((l) => `${formatNumber(l.quantity)} × ${l.sku} at ${code(l.warehouseId)}`).join(', ');
  const columns = useHoldColumns({ code, describe, onRelease: setReleasing });

  return (
    <div className="stack">
      <PageHeader
        title="Holds"
        description="Stock held for buyers, checkouts and the checkout service. A hold ends by itself when its time runs out; release a stuck one here."
        actions={
          <HoldFilters
            status={status}
            warehouseId={warehouseId}
            warehouses={warehouses}
            onChange={setParam}
          />
        }
      />
      {releasing && (
        <ReleaseDialog hold={releasing} describe={describe(releasing)} onClose={() => setReleasing(null)} />
      )}
      {query.error && !query.isFetchNextPageError && <ErrorMessage error={query.error} />}
      {!query.isPending && holds.length === 0 && !query.error ? (
        <EmptyState title="No holds match">Try another status or warehouse.</EmptyState>
      ) : (
        <section className="card panel" aria-labelledby={`${id}-title`}>
          <header className="panel__header">
            <h2 id={`${id}-title`}>{status ? `${formatStatus(status)} holds` : 'All holds'}</h2>
          </header>
          <DataTable
            columns={columns}
            rows={holds}
            rowKey={(h) => h.id}
            rowProps={(h) => ({ 'data-hold-id': h.id })}
            loading={query.isPending}
            caption="Holds, newest first"
            pager={query}
          />
        </section>
      )}
    </div>
  );
}

function HoldFilters({
  status,
  warehouseId,
  warehouses,
  onChange,
}: {
  status: string | undefined;
  warehouseId: string | undefined;
  warehouses: Warehouse[];
  onChange: (name: string, value: string | undefined) => void;
}) {
  const id = useId();
  return (
    <div className="button-row">
      <div className="field field--inline">
        <label className="field__label" htmlFor={`${id}-status`}>
          Status
        </label>
        <select
          id={`${id}-status`}
          className="input"
          value={status ?? 'all'}
          onChange={(e) => onChange('status', e.currentTarget.value)}
        >
          <option value="all">All</option>
          {HOLD_STATUSES.map((s) => (
            <option key={s} value={s}>
              {formatStatus(s)}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--inline">
        <label className="field__label" htmlFor={`${id}-warehouse`}>
          Warehouse
        </label>
        <select
          id={`${id}-warehouse`}
          className="input"
          value={warehouseId ?? ''}
          onChange={(e) => onChange('warehouse', e.currentTarget.value || undefined)}
        >
          <option value="">All warehouses</option>
          {warehouses.map((w) => (
            <option key={w.id} value={w.id}>
              {w.code}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
