import { getQueryKey } from '@trpc/react-query';
import { type RefObject, useEffect, useId, useRef, useState } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { LoadMore } from '../../components/load-more';
import { PageHeader } from '../../components/page-header';
import { EmptyState, SkeletonRows } from '../../components/states';
import { useActorName } from '../../lib/use-actor-name';
import { useCursorPages } from '../../lib/use-cursor-pages';
import { trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';
import { formatCount } from './format';
import { IssuedTokenDialog } from './issued-token-dialog';
import { RevokeDialog, RotateDialog } from './token-dialogs';
import { TokenForm } from './token-form';
import { TokenRow } from './token-row';
import type { IssuedToken, ServiceToken } from './token-values';
import './service-tokens.css';

const PAGE_SIZE = 25;

type Dialog =
  | { kind: 'revoke' | 'rotate'; token: ServiceToken }
  | { kind: 'issued'; issued: IssuedToken; graceSeconds: number | null }
  | null;

/** Service tokens (admins only): list, create, rotate and revoke; a secret is shown once. */
export function ServiceTokensPage() {
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const [creating, setCreating] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const createButton = useRef<HTMLButtonElement>(null);
  const cancelled = useRef(false);

  // A cancelled form hands the focus back to the button that opened it.
  useEffect(() => {
    if (!creating && cancelled.current) {
      cancelled.current = false;
      createButton.current?.focus();
    }
  }, [creating]);

  return (
    <div className="stack stack--lg">
      <PageHeader
        title="Service tokens"
        description="How the checkout service and store systems authenticate: each token may do only what its scopes allow, only at its warehouses. A secret is shown once, when it is created or rotated."
        actions={
          <button
            ref={createButton}
            type="button"
            className="button button--primary"
            disabled={creating}
            onClick={() => setCreating(true)}
          >
            Create token
          </button>
        }
      />
      {creating && (
        <TokenForm
          onCancel={() => {
            cancelled.current = true;
            setCreating(false);
          }}
          onCreated={(issued) => {
            setCreating(false);
            setDialog({ kind: 'issued', issued, graceSeconds: null });
          }}
        />
      )}
      <TokensPanel
        heading={heading}
        includeRevoked={includeRevoked}
        onIncludeRevoked={setIncludeRevoked}
        onRotate={(token) => setDialog({ kind: 'rotate', token })}
        onRevoke={(token) => setDialog({ kind: 'revoke', token })}
      />
      <TokenDialogs dialog={dialog} onDialog={setDialog} heading={heading} />
    </div>
  );
}

function TokensPanel({
  heading,
  includeRevoked,
  onIncludeRevoked,
  onRotate,
  onRevoke,
}: {
  heading: RefObject<HTMLHeadingElement | null>;
  includeRevoked: boolean;
  onIncludeRevoked: (on: boolean) => void;
  onRotate: (token: ServiceToken) => void;
  onRevoke: (token: ServiceToken) => void;
}) {
  const id = useId();
  const utils = trpc.useUtils();
  const input = { includeRevoked, limit: PAGE_SIZE };
  const query = useCursorPages(getQueryKey(trpc.serviceTokens.list, input, 'infinite'), (cursor) =>
    utils.client.serviceTokens.list.query({ ...input, cursor }),
  );
  const tokens = query.items;
  return (
    <section className="card panel" aria-labelledby={`${id}-title`}>
      <header className="panel__header">
        <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
          {includeRevoked ? 'All tokens' : 'Tokens in use'}
        </h2>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={includeRevoked}
            onChange={(e) => onIncludeRevoked(e.currentTarget.checked)}
          />
          Show revoked tokens
        </label>
      </header>
      {query.error && !query.isFetchNextPageError && <ErrorMessage error={query.error} />}
      {!query.isPending && tokens.length === 0 && !query.error ? (
        <EmptyState title={includeRevoked ? 'No service tokens yet' : 'No tokens in use'}>
          Create one for each system that calls the API, with only the scopes it needs.
        </EmptyState>
      ) : (
        <TokenTable tokens={tokens} pending={query.isPending} onRotate={onRotate} onRevoke={onRevoke} />
      )}
      <LoadMore
        auto={false}
        hasNextPage={query.hasNextPage}
        isFetchingNextPage={query.isFetchingNextPage}
        fetchNextPage={query.fetchNextPage}
        error={query.isFetchNextPageError ? query.error : undefined}
        label="Load older tokens"
      />
    </section>
  );
}

function TokenTable({
  tokens,
  pending,
  onRotate,
  onRevoke,
}: {
  tokens: ServiceToken[];
  pending: boolean;
  onRotate: (token: ServiceToken) => void;
  onRevoke: (token: ServiceToken) => void;
}) {
  const { byId } = useWarehouses();
  const actorName = useActorName();
  return (
    <div className="table-wrap">
      <table className="table token-table">
        <caption className="visually-hidden">
          Service tokens, newest first
          {pending ? '' : `: ${formatCount(tokens.length)} shown`}
        </caption>
        <thead>
          <tr>
            <th scope="col">Token</th>
            <th scope="col">Scopes</th>
            <th scope="col">Warehouses</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {pending ? (
            <SkeletonRows rows={3} columns={8} />
          ) : (
            tokens.map((t) => (
              <TokenRow
                key={t.id}
                token={t}
                warehouseCode={(w) => byId.get(w)?.code ?? w}
                actorName={actorName}
                onRotate={() => onRotate(t)}
                onRevoke={() => onRevoke(t)}
              />
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

function TokenDialogs({
  dialog,
  onDialog,
  heading,
}: {
  dialog: Dialog;
  onDialog: (dialog: Dialog) => void;
  heading: RefObject<HTMLHeadingElement | null>;
}) {
  const closeDialog = () => onDialog(null);
  return (
    <>
      {dialog?.kind === 'issued' && (
        <IssuedTokenDialog
          key={`${dialog.issued.id}-${dialog.issued.prefix}`}
          issued={dialog.issued}
          graceSeconds={dialog.graceSeconds}
          onDone={closeDialog}
          returnFocus={heading}
        />
      )}
      {dialog?.kind === 'rotate' && (
        <RotateDialog
          token={dialog.token}
          onCancel={closeDialog}
          onRotated={(issued, graceSeconds) => onDialog({ kind: 'issued', issued, graceSeconds })}
          returnFocus={heading}
        />
      )}
      {dialog?.kind === 'revoke' && (
        <RevokeDialog
          token={dialog.token}
          onCancel={closeDialog}
          onRevoked={closeDialog}
          returnFocus={heading}
        />
      )}
    </>
  );
}
