import { getQueryKey } from '@trpc/react-query';
import { useId, useState } from 'react';
import { Link, useSearchParams } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { LoadMore } from '../../components/load-more';
import { PageHeader } from '../../components/page-header';
import { EmptyState, SkeletonRows } from '../../components/states';
import { StatusBadge } from '../../components/status-badge';
import { formatCountdown, formatNumber, formatStatus } from '../../lib/format';
import { useCursorPages } from '../../lib/use-cursor-pages';
import { useNow } from '../../lib/use-now';
import { trpc } from '../../trpc';
import { useWarehouses, type Warehouse } from '../warehouses/use-warehouses';
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
          <HoldsTable
            holds={holds}
            pending={query.isPending}
            code={code}
            describe={describe}
            onRelease={setReleasing}
          />
          <LoadMore
            hasNextPage={query.hasNextPage}
            isFetchingNextPage={query.isFetchingNextPage}
            fetchNextPage={query.fetchNextPage}
            error={query.isFetchNextPageError ? query.error : undefined}
          />
        </section>
      )}
    </div>
  );
}

function HoldsTable({
  holds,
  pending,
  code,
  describe,
  onRelease,
}: {
  holds: Hold[];
  pending: boolean;
  code: (warehouseId: string) => string;
  describe: (hold: Hold) => string;
  onRelease: (hold: Hold) => void;
}) {
  const now = useNow(1000);
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Held</th>
            <th scope="col" className="numeric">
              Units
            </th>
            <th scope="col">Owner</th>
            <th scope="col">Reference</th>
            <th scope="col">Status</th>
            <th scope="col">Time left</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {pending ? (
            <SkeletonRows rows={4} columns={7} />
          ) : (
            holds.map((hold) => (
              <HoldRow
                key={hold.id}
                hold={hold}
                now={now}
                code={code}
                describe={describe}
                onRelease={onRelease}
              />
            ))
          )}
        </tbody>
      </table>
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

function HoldRow({
  hold,
  now,
  code,
  describe,
  onRelease,
}: {
  hold: Hold;
  now: number;
  code: (warehouseId: string) => string;
  describe: (hold: Hold) => string;
  onRelease: (hold: Hold) => void;
}) {
  const left = new Date(hold.expiresAt).getTime() - now;
  const units = hold.lines.reduce((sum, l) => sum + l.quantity, 0);
  const pending = hold.status === 'pending' && left > 0;
  return (
    <tr data-hold-id={hold.id}>
      <th scope="row">
        {hold.lines.map((l) => (
          <div key={`${l.sku}:${l.warehouseId}`}>
            <Link href={`/products/${encodeURIComponent(l.sku)}`}>{l.sku}</Link>{' '}
            <span className="text-muted">
              {formatNumber(l.quantity)} at {code(l.warehouseId)}
            </span>
          </div>
        ))}
      </th>
      <td className="numeric">{formatNumber(units)}</td>
      <td>
        <span className="cell-wrap">{hold.owner.label}</span>
        {hold.owner.kind !== 'user' && <span className="text-muted"> ({hold.owner.kind})</span>}
      </td>
      <td>{hold.reference ?? '—'}</td>
      <td>
        <StatusBadge status={hold.status} />
      </td>
      <td>
        {pending ? (
          <span className="numeric" title={`Ends ${hold.expiresAt}`}>
            {formatCountdown(left)}
          </span>
        ) : hold.status === 'pending' ? (
          <span className="text-muted">due now</span>
        ) : (
          <span className="text-muted">—</span>
        )}
      </td>
      <td>
        {hold.status === 'pending' && (
          <button
            type="button"
            className="button button--small button--danger-outline"
            aria-label={`Release ${describe(hold)}`}
            onClick={() => onRelease(hold)}
          >
            Release
          </button>
        )}
      </td>
    </tr>
  );
}
