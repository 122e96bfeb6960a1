import { type FormEvent, type RefObject, useId, useState } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { useActionKeys } from '../../lib/idempotency';
import { trpc } from '../../trpc';
import { formatDuration } from './format';
import { Modal } from './modal';
import { DEFAULT_GRACE_SECONDS, GRACE_CHOICES, type IssuedToken, type ServiceToken } from './token-values';

interface DialogProps {
  token: ServiceToken;
  onCancel: () => void;
  returnFocus: RefObject<HTMLElement | null>;
}

/** Revoke, after a confirmation that names the token. Cancel has the focus: the safe choice. */
export function RevokeDialog({
  token,
  onCancel,
  onRevoked,
  returnFocus,
}: DialogProps & { onRevoked: () => void }) {
  const keys = useActionKeys();
  const utils = trpc.useUtils();
  const revoke = trpc.serviceTokens.revoke.useMutation();

  async function confirm() {
    const input = { id: token.id };
    try {
      await revoke.mutateAsync({ ...input, idempotencyKey: keys.keyFor(input) });
      keys.done();
      await utils.serviceTokens.list.invalidate();
      onRevoked();
    } catch {
      // Shown in the dialog from revoke.error.
    }
  }

  return (
    <Modal
      title={`Revoke “${token.name}”?`}
      description={
        <p>
          Every system using <code>{token.prefix}…</code> is refused within seconds, including a previous
          secret still in its grace period. This cannot be undone: create a new token if you need one again.
        </p>
      }
      onClose={onCancel}
      returnFocus={returnFocus}
    >
      <ErrorMessage error={revoke.error} />
      <div className="button-row modal__actions">
        <button type="button" className="button" data-autofocus onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="button button--danger" disabled={revoke.isPending} onClick={confirm}>
          {revoke.isPending ? 'Revoking…' : `Revoke ${token.name}`}
        </button>
      </div>
    </Modal>
  );
}

const graceLabel = (choice: (typeof GRACE_CHOICES)[number]) =>
  choice.unit === null ? 'No grace: refuse it now' : formatDuration(choice.amount, choice.unit);

/** Rotate: a new secret, the old one accepted for a grace period chosen here. */
export function RotateDialog({
  token,
  onCancel,
  onRotated,
  returnFocus,
}: DialogProps & { onRotated: (issued: IssuedToken, graceSeconds: number) => void }) {
  const id = useId();
  const keys = useActionKeys();
  const utils = trpc.useUtils();
  const rotate = trpc.serviceTokens.rotate.useMutation();
  const [graceSeconds, setGraceSeconds] = useState(DEFAULT_GRACE_SECONDS);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = { id: token.id, graceSeconds };
    try {
      const issued = await rotate.mutateAsync({ ...input, idempotencyKey: keys.keyFor(input) });
      keys.done();
      void utils.serviceTokens.list.invalidate();
      onRotated(issued, graceSeconds);
    } catch {
      // Shown in the dialog from rotate.error.
    }
  }

  return (
    <Modal
      title={`Rotate “${token.name}”`}
      description={
        <p>
          A new secret replaces <code>{token.prefix}…</code>. Its scopes, warehouses and expiry stay the same.
          The current secret can keep working for a while, so your systems can switch over.
        </p>
      }
      onClose={onCancel}
      returnFocus={returnFocus}
    >
      <form className="stack" onSubmit={onSubmit}>
        <fieldset className="token-choices">
          <legend>The current secret keeps working for</legend>
          {GRACE_CHOICES.map((choice) => (
            <label key={choice.seconds} className="checkbox">
              <input
                type="radio"
                name={`${id}-grace`}
                value={choice.seconds}
                checked={graceSeconds === choice.seconds}
                data-autofocus={graceSeconds === choice.seconds ? true : undefined}
                onChange={() => setGraceSeconds(choice.seconds)}
              />
              {graceLabel(choice)}
              {choice.seconds === DEFAULT_GRACE_SECONDS ? ' (recommended)' : ''}
            </label>
          ))}
        </fieldset>
        <ErrorMessage error={rotate.error} />
        <div className="button-row modal__actions">
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={rotate.isPending}>
            {rotate.isPending ? 'Rotating…' : 'Rotate token'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
