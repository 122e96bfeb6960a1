import { getQueryKey } from '@trpc/react-query';
import { useEffect, useId, useMemo } from 'react';
import { type Column, DataTable } from '../../components/data-table';
import { ErrorMessage } from '../../components/error-message';
import { EmptyState } from '../../components/states';
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

function deliveryColumns(onRedelivered: () => void): Column<Delivery>[] {
  return [
    { id: 'time', header: 'Time', sortBy: (d) => d.createdAt, cell: (d) => formatDateTime(d.createdAt) },
    {
      id: 'event',
      header: 'Event',
      rowHeader: true,
      sortBy: (d) => d.type,
      cell: (d) => (
        <>
          <code>{d.type}</code>
          <span className="text-muted"> {d.messageId}</span>
          {d.redeliveryOf && <span className="badge badge--muted">redelivery</span>}
        </>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      sortBy: (d) => d.status,
      cell: (d) => (
        <>
          <span className={`badge badge--${DELIVERY_TONE[d.status]}`}>{d.status}</span>
          {d.nextAttemptAt && d.status === 'failed' && (
            <span className="text-muted"> next {formatDateTime(d.nextAttemptAt)}</span>
          )}
        </>
      ),
    },
    {
      id: 'code',
      header: 'Code',
      sortBy: (d) => d.lastStatusCode ?? 0,
      cell: (d) => d.lastStatusCode ?? '—',
    },
    {
      id: 'latency',
      header: 'Latency',
      sortBy: (d) => d.lastLatencyMs ?? -1,
      cell: (d) => (d.lastLatencyMs === null ? '—' : `${formatNumber(d.lastLatencyMs)} ms`),
    },
    { id: 'attempts', header: 'Attempts', sortBy: (d) => d.attempts, cell: (d) => formatNumber(d.attempts) },
    {
      id: 'answer',
      header: 'Answer or error',
      cell: (d) => (
        <div className="delivery-response" title={d.lastError ?? d.lastResponse ?? ''}>
          {d.lastError ?? d.lastResponse ?? '—'}
        </div>
      ),
    },
    { id: 'again', header: 'Again', cell: (d) => <RedeliverButton delivery={d} onDone={onRedelivered} /> },
  ];
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
  const columns = useMemo(() => deliveryColumns(() => void refetch()), [refetch]);

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
      {query.error && !query.isFetchNextPageError && <ErrorMessage error={query.error} />}
      {(query.items.length > 0 || !query.error) && (
        <DataTable
          columns={columns}
          rows={query.items}
          rowKey={(d) => d.id}
          loading={query.isPending}
          caption={`Deliveries to ${webhook.url}, newest first`}
          pager={query}
          empty={
            <EmptyState title="Nothing delivered yet">
              Deliveries appear here as subscribed events happen.
            </EmptyState>
          }
        />
      )}
    </section>
  );
}
