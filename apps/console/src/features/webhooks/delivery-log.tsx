import { getQueryKey } from '@trpc/react-query';
import { useEffect, useId } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { LoadMore } from '../../components/load-more';
import { EmptyState, SkeletonRows } from '../../components/states';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useCursorPages } from '../../lib/use-cursor-pages';
import { trpc } from '../../trpc';
import { DELIVERY_TONE, type Delivery, type Webhook } from './webhook-values';

/** Refresh the open log this often: deliveries change on the server, not through this page. */
const REFRESH_MS = 3000;

function RedeliverButton({ delivery, onDone }: { delivery: Delivery; onDone: () => void }) {
  const redeliver = trpc.webhooks.redeliver.useMutation({ onSuccess: onDone });
  return (
    <>
      <button
        type="button"
        className="button button--small"
        aria-label={`Redeliver ${delivery.type} ${delivery.messageId}`}
        disabled={redeliver.isPending}
        onClick={() => redeliver.mutate({ deliveryId: delivery.id, idempotencyKey: crypto.randomUUID() })}
      >
        {redeliver.isPending ? 'Sending…' : 'Redeliver'}
      </button>
      <ErrorMessage error={redeliver.error} />
    </>
  );
}

function DeliveryRow({ delivery: d, onRedelivered }: { delivery: Delivery; onRedelivered: () => void }) {
  return (
    <tr>
      <td>{formatDateTime(d.createdAt)}</td>
      <th scope="row">
        <code>{d.type}</code>
        <span className="text-muted"> {d.messageId}</span>
        {d.redeliveryOf && <span className="badge badge--muted">redelivery</span>}
      </th>
      <td>
        <span className={`badge badge--${DELIVERY_TONE[d.status]}`}>{d.status}</span>
        {d.nextAttemptAt && d.status === 'failed' && (
          <span className="text-muted"> next {formatDateTime(d.nextAttemptAt)}</span>
        )}
      </td>
      <td>{d.lastStatusCode ?? '—'}</td>
      <td>{d.lastLatencyMs === null ? '—' : `${formatNumber(d.lastLatencyMs)} ms`}</td>
      <td>{d.attempts}</td>
      <td>
        <div className="delivery-response" title={d.lastError ?? d.lastResponse ?? ''}>
          {d.lastError ?? d.lastResponse ?? '—'}
        </div>
      </td>
      <td>
        <RedeliverButton delivery={d} onDone={onRedelivered} />
      </td>
    </tr>
  );
}

/** One endpoint's deliveries, newest first: status, answer code, latency, attempts, and a redeliver button. */
export function DeliveryLog({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) {
  const id = useId();
  const utils = trpc.useUtils();
  const input = { webhookId: webhook.id, limit: 25 };
  const query = useCursorPages(getQueryKey(trpc.webhooks.deliveries, input, 'infinite'), (cursor) =>
    utils.client.webhooks.deliveries.query({ ...input, cursor }),
  );
  const { refetch } = query;
  useEffect(() => {
    const timer = setInterval(() => void refetch(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refetch]);

  return (
    <section className="card panel" aria-labelledby={`${id}-title`}>
      <header className="panel__header">
        <h2 id={`${id}-title`}>Deliveries to {webhook.description || webhook.url}</h2>
        <div className="button-row">
          <button type="button" className="button button--small" onClick={() => void refetch()}>
            Refresh
          </button>
          <button type="button" className="button button--small button--ghost" onClick={onClose}>
            Close
          </button>
        </div>
      </header>
      {query.error && <ErrorMessage error={query.error} />}
      {!query.isPending && query.items.length === 0 && !query.error ? (
        <EmptyState title="Nothing delivered yet">
          Deliveries appear here as subscribed events happen.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Code</th>
                <th scope="col">Latency</th>
                <th scope="col">Attempts</th>
                <th scope="col">Answer or error</th>
                <th scope="col">Again</th>
              </tr>
            </thead>
            <tbody>
              {query.isPending ? (
                <SkeletonRows rows={3} columns={8} />
              ) : (
                query.items.map((d) => (
                  <DeliveryRow key={d.id} delivery={d} onRedelivered={() => void refetch()} />
                ))
              )}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore
        hasNextPage={query.hasNextPage}
        isFetchingNextPage={query.isFetchingNextPage}
        fetchNextPage={query.fetchNextPage}
        error={query.isFetchNextPageError ? query.error : undefined}
      />
    </section>
  );
}
