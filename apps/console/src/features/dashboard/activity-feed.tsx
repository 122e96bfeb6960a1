import { useEffect } from 'react';
import { Link } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { EmptyState, Loading } from '../../components/states';
import { formatRelative } from '../../lib/format';
import { useActorName } from '../../lib/use-actor-name';
import { useNow } from '../../lib/use-now';
import { useLive, useLiveFeed } from '../../live/live-events';
import { trpc } from '../../trpc';
import { describeEvent } from '../events/describe-event';
import { useWarehouses } from '../warehouses/use-warehouses';

/** The newest events, then every new one as it happens (the live stream). */
export function ActivityFeed() {
  const { feed, status } = useLive();
  const events = useLiveFeed();
  const recent = trpc.events.list.useQuery({ limit: 20 }, { staleTime: Number.POSITIVE_INFINITY });
  const { byId } = useWarehouses();
  const actorName = useActorName();
  const now = useNow(15_000);

  useEffect(() => {
    if (recent.data) feed.add(recent.data.items);
  }, [recent.data, feed]);

  const code = (id: string) => byId.get(id)?.code ?? id.slice(0, 8);

  return (
    <section className="card panel" aria-labelledby="activity-title">
      <header className="panel__header">
        <h2 id="activity-title">Live activity</h2>
        <span className={`live live--${status}`}>
          <span className="live__dot" aria-hidden="true" />
          <span className="live__text">{status === 'live' ? 'Live' : 'Connecting…'}</span>
        </span>
      </header>
      {recent.error && <ErrorMessage error={recent.error} />}
      {recent.isPending && events.length === 0 ? (
        <Loading label="Loading activity…" />
      ) : events.length === 0 ? (
        <EmptyState title="Nothing has happened yet">
          New stock changes and orders appear here live.
        </EmptyState>
      ) : (
        <ol className="feed" aria-live="polite" aria-relevant="additions">
          {events.map((event) => {
            const line = describeEvent(event, code);
            return (
              <li key={event.id} className={`feed__item feed__item--${line.tone}`}>
                <span className="feed__marker" aria-hidden="true" />
                <div className="feed__body">
                  <p className="feed__title">
                    {line.href ? <Link href={line.href}>{line.title}</Link> : line.title}
                  </p>
                  {line.detail && <p className="feed__detail">{line.detail}</p>}
                  <p className="feed__meta text-muted">
                    <time dateTime={event.createdAt}>{formatRelative(event.createdAt, now)}</time>
                    {line.actor && <> · {actorName(line.actor)}</>}
                  </p>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
