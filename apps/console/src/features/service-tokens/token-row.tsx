import { formatTokenDate } from './format';
import type { ServiceToken } from './token-values';

const STATUS_TONE: Record<ServiceToken['status'], string> = {
  active: 'success',
  expired: 'muted',
  revoked: 'danger',
  // The demo token, refused by a production server: revoke it.
  refused: 'danger',
};

/** One token: what it may do, where, its dates; rotate and revoke while it is usable. */
export function TokenRow({
  token,
  warehouseCode,
  actorName,
  onRotate,
  onRevoke,
}: {
  token: ServiceToken;
  warehouseCode: (id: string) => string;
  actorName: (label: string) => string;
  onRotate: () => void;
  onRevoke: () => void;
}) {
  const graceUntil =
    token.previousValidUntil && new Date(token.previousValidUntil).getTime() > Date.now()
      ? token.previousValidUntil
      : null;
  return (
    <tr className={token.status === 'active' ? undefined : 'token-row--inactive'}>
      <th scope="row">
        <span className="cell-wrap">{token.name}</span> <code className="token-prefix">{token.prefix}…</code>
      </th>
      <td>
        <ul className="token-scopes" aria-label={`Scopes of ${token.name}`}>
          {token.scopes.map((s) => (
            <li key={s} className="badge">
              {s}
            </li>
          ))}
        </ul>
      </td>
      <td>{token.warehouseIds === null ? 'All' : token.warehouseIds.map(warehouseCode).join(', ')}</td>
      <td>
        <span className={`badge badge--${STATUS_TONE[token.status]}`}>{token.status}</span>
        {graceUntil && (
          <span className="token-note text-muted">previous secret until {formatTokenDate(graceUntil)}</span>
        )}
      </td>
      <td className="token-date">
        {formatTokenDate(token.createdAt)}
        {token.createdBy && <span className="token-note text-muted">by {actorName(token.createdBy)}</span>}
      </td>
      <td className="token-date">{token.expiresAt ? formatTokenDate(token.expiresAt) : 'Never'}</td>
      <td className="token-date">{token.lastUsedAt ? formatTokenDate(token.lastUsedAt) : 'Not yet'}</td>
      <td>
        {token.status === 'active' ? (
          <span className="button-row token-actions">
            <button
              type="button"
              className="button button--small"
              aria-label={`Rotate ${token.name}`}
              onClick={onRotate}
            >
              Rotate
            </button>
            <button
              type="button"
              className="button button--small button--danger-outline"
              aria-label={`Revoke ${token.name}`}
              onClick={onRevoke}
            >
              Revoke
            </button>
          </span>
        ) : token.status === 'expired' || token.status === 'refused' ? (
          <button
            type="button"
            className="button button--small button--danger-outline"
            aria-label={`Revoke ${token.name}`}
            onClick={onRevoke}
          >
            Revoke
          </button>
        ) : (
          <span className="text-muted">{token.revokedAt ? formatTokenDate(token.revokedAt) : '—'}</span>
        )}
      </td>
    </tr>
  );
}
