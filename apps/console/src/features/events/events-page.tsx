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
import { EVENT_GROUPS, type EventGroup } from './event-types';

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
  const types = Object.hasOwn(EVENT_GROUPS, group) ? EVENT_GROUPS[group as EventGroup].types : undefined;
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
            {Object.entries(EVENT_GROUPS).map(([key, g]) => (
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
