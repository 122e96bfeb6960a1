import { useEffect, useRef } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/states';
import { formatDateTime, formatNumber, formatSigned } from '../../lib/format';
import { useActorName } from '../../lib/use-actor-name';
import { trpc } from '../../trpc';
import { type LevelSnapshot, onHandAfter, type StockAction } from './stock-actions';

export interface Conflict {
  /** The level the person's change was based on. */
  yours: LevelSnapshot;
  /** The level now (from the VERSION_MISMATCH details). */
  current: LevelSnapshot;
}

/** The ledger rows of the level since the version the person saw (newest `count`). */
function MissedChanges({ warehouseId, sku, count }: { warehouseId: string; sku: string; count: number }) {
  const actorName = useActorName();
  const changes = trpc.inventory.movements.useQuery({ warehouseId, sku, limit: count });
  if (changes.isPending) return <Loading label="Loading the changes…" />;
  if (changes.error) return <ErrorMessage error={changes.error} />;
  return (
    <ul className="conflict__changes">
      {changes.data.items.map((m) => (
        <li key={m.id}>
          <span className={`kind kind--${m.kind}`}>{m.kind}</span>{' '}
          {m.onHandDelta !== 0 && <strong>{formatSigned(m.onHandDelta)} on hand</strong>}
          {m.onHandDelta !== 0 && m.reservedDelta !== 0 && ', '}
          {m.reservedDelta !== 0 && <strong>{formatSigned(m.reservedDelta)} reserved</strong>} by{' '}
          {actorName(m.actor)} at <time dateTime={m.createdAt}>{formatDateTime(m.createdAt)}</time>
          {m.reason && <span className="text-muted"> — “{m.reason}”</span>}
        </li>
      ))}
    </ul>
  );
}

/**
 * Someone changed the level first. Say who and what (the ledger rows since the
 * version the person saw), show what re-applying would do to the new value, and
 * let them choose: nothing is overwritten without their say.
 */
export function VersionConflict({
  conflict,
  warehouseId,
  warehouseCode,
  sku,
  action,
  amount,
  pending,
  onReapply,
  onDiscard,
}: {
  conflict: Conflict;
  warehouseId: string;
  warehouseCode: string;
  sku: string;
  action: StockAction;
  amount: number;
  pending: boolean;
  onReapply: () => void;
  onDiscard: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const { yours, current } = conflict;
  const missed = Math.max(1, Math.min(20, current.version - yours.version));

  useEffect(() => heading.current?.focus(), []);

  const after = onHandAfter(action, amount, current);
  const reapplyLabel =
    action === 'set'
      ? `Set on hand to ${formatNumber(amount)} anyway`
      : `Re-apply ${formatSigned(amount)} on the new value`;

  return (
    <section className="conflict" aria-labelledby="conflict-title">
      <h3 id="conflict-title" ref={heading} tabIndex={-1}>
        Someone changed this level first
      </h3>
      <p>
        You started from <strong>v{yours.version}</strong> ({formatNumber(yours.onHand)} on hand). It is now{' '}
        <strong>v{current.version}</strong>: {formatNumber(current.onHand)} on hand,{' '}
        {formatNumber(current.reserved)} reserved, {formatNumber(current.available)} available at{' '}
        {warehouseCode}. Your change was not applied.
      </p>
      <div>
        <p className="conflict__label">What changed since v{yours.version}:</p>
        <MissedChanges warehouseId={warehouseId} sku={sku} count={missed} />
      </div>
      <p>
        Re-applying your change gives <strong>{formatNumber(current.onHand)}</strong> →{' '}
        <strong>{formatNumber(after)}</strong> on hand.
      </p>
      <div className="button-row">
        <button type="button" className="button button--primary" onClick={onReapply} disabled={pending}>
          {pending ? 'Applying…' : reapplyLabel}
        </button>
        <button type="button" className="button" onClick={onDiscard} disabled={pending}>
          Discard my change
        </button>
      </div>
    </section>
  );
}
