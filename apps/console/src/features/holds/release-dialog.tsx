import { type FormEvent, useId, useState } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { useActionKeys } from '../../lib/idempotency';
import { trpc } from '../../trpc';
import { Modal } from '../service-tokens/modal';
import type { Hold } from './hold-values';

/** Release a stuck hold: the reason is required here and lands on the ledger's release movements. */
export function ReleaseDialog({
  hold,
  describe,
  onClose,
}: {
  hold: Hold;
  /** What is held, as the table shows it (SKU × quantity at warehouse). */
  describe: string;
  onClose: () => void;
}) {
  const id = useId();
  const keys = useActionKeys();
  const utils = trpc.useUtils();
  const release = trpc.reservations.release.useMutation();
  const [reason, setReason] = useState('');

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = { id: hold.id, reason: reason.trim() };
    try {
      await release.mutateAsync({ ...input, idempotencyKey: keys.keyFor(input) });
      keys.done();
      await Promise.all([
        utils.reservations.list.invalidate(),
        utils.inventory.invalidate(),
        utils.products.invalidate(),
      ]);
      onClose();
    } catch {
      // Shown in the dialog from release.error.
    }
  }

  return (
    <Modal
      title="Release this hold?"
      description={
        <p>
          {describe} goes back to available stock at once. The reason is kept in the ledger with the release.
        </p>
      }
      onClose={onClose}
    >
      <form className="stack" onSubmit={onSubmit}>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-reason`}>
            Reason
          </label>
          <textarea
            id={`${id}-reason`}
            className="input"
            required
            maxLength={500}
            rows={3}
            value={reason}
            data-autofocus
            onChange={(e) => setReason(e.currentTarget.value)}
          />
        </div>
        <ErrorMessage error={release.error} />
        <div className="button-row modal__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button--danger"
            disabled={release.isPending || reason.trim() === ''}
          >
            {release.isPending ? 'Releasing…' : 'Release hold'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
