import { useState } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { EmptyState, SkeletonRows } from '../../components/states';
import { formatDateTime } from '../../lib/format';
import { trpc } from '../../trpc';
import { DeliveryLog } from './delivery-log';
import { SecretPanel, WebhookForm } from './webhook-form';
import type { CreatedWebhook, Webhook } from './webhook-values';
import './webhooks.css';

/** How long a rotated-out secret keeps signing (the API's default). */
const ROTATION_GRACE_HOURS = 24;

const COLUMNS = ['Endpoint', 'Events', 'Status', 'Last success', 'Log', 'Manage'];

interface EndpointActionsProps {
  webhook: Webhook;
  onDeleted: () => void;
  /** The new secret, to be shown once. */
  onRotated: (hook: CreatedWebhook) => void;
}

function EndpointActions({ webhook, onDeleted, onRotated }: EndpointActionsProps) {
  const utils = trpc.useUtils();
  const refresh = () => utils.webhooks.list.invalidate();
  const update = trpc.webhooks.update.useMutation({ onSettled: refresh });
  const rotate = trpc.webhooks.rotateSecret.useMutation({ onSuccess: onRotated, onSettled: refresh });
  const remove = trpc.webhooks.delete.useMutation({
    onSuccess: onDeleted,
    onSettled: refresh,
  });
  const name = webhook.description || webhook.url;
  return (
    <div className="button-row">
      <button
        type="button"
        className={`button button--small${webhook.active ? ' button--danger-outline' : ''}`}
        aria-label={`${webhook.active ? 'Disable' : 'Enable'} ${name}`}
        disabled={update.isPending}
        onClick={() =>
          update.mutate({ id: webhook.id, active: !webhook.active, idempotencyKey: crypto.randomUUID() })
        }
      >
        {webhook.active ? 'Disable' : 'Enable'}
      </button>
      <button
        type="button"
        className="button button--small"
        aria-label={`Rotate the secret of ${name}`}
        disabled={rotate.isPending}
        onClick={() => {
          if (
            window.confirm(
              `Make a new signing secret for ${webhook.url}? The current one keeps signing deliveries for ${ROTATION_GRACE_HOURS} hours, so receivers can switch in that time.`,
            )
          ) {
            rotate.mutate({
              id: webhook.id,
              graceSeconds: ROTATION_GRACE_HOURS * 3600,
              idempotencyKey: crypto.randomUUID(),
            });
          }
        }}
      >
        Rotate secret
      </button>
      <button
        type="button"
        className="button button--small button--danger-outline"
        aria-label={`Delete ${name}`}
        disabled={remove.isPending}
        onClick={() => {
          if (window.confirm(`Delete the endpoint ${webhook.url} and its delivery log?`)) {
            remove.mutate({ id: webhook.id, idempotencyKey: crypto.randomUUID() });
          }
        }}
      >
        Delete
      </button>
      <ErrorMessage error={update.error ?? rotate.error ?? remove.error} />
    </div>
  );
}

interface EndpointRowProps extends EndpointActionsProps {
  logOpen: boolean;
  onToggleLog: () => void;
}

function EndpointRow({ webhook: w, logOpen, onToggleLog, onDeleted, onRotated }: EndpointRowProps) {
  return (
    <tr className={w.active ? undefined : 'webhook-row--disabled'}>
      <th scope="row">
        <span className="cell-wrap">{w.url}</span>
        {w.description && <div className="text-muted">{w.description}</div>}
      </th>
      <td>
        <div className="webhook-events">
          {w.events.map((e) => (
            <span key={e} className="badge">
              {e}
            </span>
          ))}
        </div>
      </td>
      <td>
        {w.active ? (
          <span className="badge badge--success">active</span>
        ) : (
          <span className="badge badge--muted">disabled</span>
        )}
        {w.disabledReason && <div className="text-muted">{w.disabledReason}</div>}
        {w.previousSecretValidUntil && (
          <div className="text-muted">
            Old secret also signs until {formatDateTime(w.previousSecretValidUntil)}
          </div>
        )}
        {w.consecutiveFailures > 0 && (
          <div className="text-muted">{w.consecutiveFailures} failed attempts in a row</div>
        )}
      </td>
      <td>{w.lastSuccessAt ? formatDateTime(w.lastSuccessAt) : '—'}</td>
      <td>
        <button
          type="button"
          className={`button button--small${logOpen ? ' button--pressed' : ''}`}
          aria-pressed={logOpen}
          aria-label={`Deliveries of ${w.description || w.url}`}
          onClick={onToggleLog}
        >
          Deliveries
        </button>
      </td>
      <td>
        <EndpointActions webhook={w} onDeleted={onDeleted} onRotated={onRotated} />
      </td>
    </tr>
  );
}

/** Webhook endpoints (admins): add one (its secret shown once), switch it off and on, read its delivery log. */
export function WebhooksPage() {
  const query = trpc.webhooks.list.useQuery();
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [openLog, setOpenLog] = useState<string | null>(null);
  const webhooks = query.data ?? [];
  const logOf = webhooks.find((w) => w.id === openLog);
  const showSecret = (hook: CreatedWebhook) => {
    setAdding(false);
    setCreated(hook);
  };

  return (
    <div className="stack stack--lg">
      <PageHeader
        title="Webhooks"
        description="Endpoints that receive signed events (Standard Webhooks) when orders, holds and stock change. Deliveries are retried for over a day."
        actions={
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              setCreated(null);
              setAdding(true);
            }}
          >
            Add endpoint
          </button>
        }
      />
      {adding && <WebhookForm onCancel={() => setAdding(false)} onCreated={showSecret} />}
      {created && <SecretPanel created={created} onDone={() => setCreated(null)} />}
      {query.error && <ErrorMessage error={query.error} />}
      {!query.isPending && webhooks.length === 0 && !query.error ? (
        <EmptyState title="No endpoints yet">Add one to have events delivered to your systems.</EmptyState>
      ) : (
        <section className="card panel" aria-labelledby="webhooks-title">
          <header className="panel__header">
            <h2 id="webhooks-title">Endpoints</h2>
          </header>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {query.isPending ? (
                  <SkeletonRows rows={3} columns={6} />
                ) : (
                  webhooks.map((w) => (
                    <EndpointRow
                      key={w.id}
                      webhook={w}
                      logOpen={openLog === w.id}
                      onToggleLog={() => setOpenLog(openLog === w.id ? null : w.id)}
                      onDeleted={() => openLog === w.id && setOpenLog(null)}
                      onRotated={showSecret}
                    />
                  ))
                )}
              </tbody>
            </table>
          </div>
        </section>
      )}
      {logOf && <DeliveryLog key={logOf.id} webhook={logOf} onClose={() => setOpenLog(null)} />}
    </div>
  );
}
