import { getQueryKey } from '@trpc/react-query';
import { useId } from 'react';
import { Link, useSearchParams } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { LoadMore } from '../../components/load-more';
import { PageHeader } from '../../components/page-header';
import { EmptyState, SkeletonRows } from '../../components/states';
import { formatDateTime, formatWhen } from '../../lib/format';
import { useActorName } from '../../lib/use-actor-name';
import { useCursorPages } from '../../lib/use-cursor-pages';
import { type RouterOutputs, trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import { describeEvent } from './describe-event';

/** Event types by what they are about (the API filters by exact type). */
const GROUPS: Record<string, { label: string; types: string[] }> = {
  stock: { label: 'Stock changes', types: ['stock.changed'] },
  orders: {
    label: 'Orders',
    types: [
      'order.created',
      'order.paid',
      'order.payment_failed',
      'order.needs_attention',
      'order.expired',
      'order.picking',
      'order.shipment_created',
      'order.shipped',
      'order.delivered',
      'order.cancelled',
    ],
  },
  holds: {
    label: 'Holds',
    types: [
      'reservation.created',
      'reservation.confirmed',
      'reservation.released',
      'reservation.expired',
      'reservation.extended',
    ],
  },
  catalogue: {
    label: 'Products and warehouses',
    types: [
      'product.created',
      'product.updated',
      'product.archived',
      'warehouse.created',
      'warehouse.updated',
    ],
  },
  waitlist: { label: 'Waitlist', types: ['waitlist.joined', 'waitlist.offered'] },
};

type ListedEvent = RouterOutputs['events']['list']['items'][number];

function EventRow({ event, code }: { event: ListedEvent; code: (warehouseId: string) => string }) {
  const actorName = useActorName();
  const line = describeEvent(event, code);
  return (
    <tr>
      <td className="nowrap">
        <time dateTime={event.createdAt} title={formatDateTime(event.createdAt)}>
          {formatWhen(event.createdAt)}
        </time>
      </td>
      <td>
        <code className="event-type">{event.type}</code>
      </td>
      <td className="cell-wrap">
        {line.href ? <Link href={line.href}>{line.title}</Link> : line.title}
        {line.detail && <span className="text-muted"> — {line.detail}</span>}
      </td>
      <td className="nowrap">{line.actor ? actorName(line.actor) : ''}</td>
    </tr>
  );
}

/** The outbox, newest first: every change the system made, as it recorded it. */
export function EventsPage() {
  const id = useId();
  const [params, setParams] = useSearchParams();
  const group = params.get('type') ?? '';
  const types = GROUPS[group]?.types;
  const { byId } = useWarehouses();
  const utils = trpc.useUtils();
  const input = { types, limit: 50 };
  const query = useCursorPages(getQueryKey(trpc.events.list, input, 'infinite'), (cursor) =>
    utils.client.events.list.query({ ...input, cursor }),
  );
  const events = query.items;
  const code = (warehouseId: string) => byId.get(warehouseId)?.code ?? warehouseId.slice(0, 8);

  return (
    <div className="stack">
      <PageHeader
        title="Event log"
        description="Every change, written in the same transaction as the change itself."
      />
      <div className="card filter-bar">
        <div className="field">
          <label className="field__label" htmlFor={`${id}-type`}>
            Show
          </label>
          <select
            id={`${id}-type`}
            className="input"
            value={group}
            onChange={(e) => setParams(e.currentTarget.value ? { type: e.currentTarget.value } : {})}
          >
            <option value="">All events</option>
            {Object.entries(GROUPS).map(([key, g]) => (
              <option key={key} value={key}>
                {g.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {query.error && !query.isFetchNextPageError && <ErrorMessage error={query.error} />}
      {!query.isPending && events.length === 0 && !query.error ? (
        <EmptyState title="No events of this kind yet" />
      ) : (
        <div className="card table-card">
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Events, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Type</th>
                  <th scope="col">What happened</th>
                  <th scope="col">By</th>
                </tr>
              </thead>
              <tbody>
                {query.isPending ? (
                  <SkeletonRows rows={8} columns={4} />
                ) : (
                  events.map((event) => <EventRow key={event.id} event={event} code={code} />)
                )}
              </tbody>
            </table>
          </div>
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
