import { type RefObject, useId, useState } from 'react';
import { formatTokenDate } from './format';
import { Modal } from './modal';
import type { IssuedToken } from './token-values';

type Copy = 'idle' | 'copied' | 'failed';

/** The secret, with a copy button that says whether copying worked. */
function SecretField({ secret }: { secret: string }) {
  const id = useId();
  const [copy, setCopy] = useState<Copy>('idle');

  async function copyToClipboard() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  }

  return (
    <div className="field">
      <label className="field__label" htmlFor={`${id}-secret`}>
        Token
      </label>
      <div className="token-secret">
        <input
          id={`${id}-secret`}
          className="input token-secret__value"
          readOnly
          value={secret}
          spellCheck={false}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" className="button" data-autofocus onClick={copyToClipboard}>
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p role="status" className="field__hint text-muted">
        {copy === 'copied' ? 'Copied to the clipboard.' : ''}
      </p>
      {copy === 'failed' && (
        <p role="alert" className="alert alert--error">
          The browser did not allow copying. Select the token above and copy it yourself.
        </p>
      )}
    </div>
  );
}

/**
 * The secret of a token just created or rotated, shown this once (the API keeps
 * only its hash): a copy button, and no way to close by accident.
 */
export function IssuedTokenDialog({
  issued,
  graceSeconds,
  onDone,
  returnFocus,
}: {
  issued: IssuedToken;
  /** Set when rotated: how long the replaced secret stays valid (0: not at all). */
  graceSeconds: number | null;
  onDone: () => void;
  returnFocus: RefObject<HTMLElement | null>;
}) {
  const secret = issued.token;
  const rotated = graceSeconds !== null;
  const graceUntil = graceSeconds ? issued.previousValidUntil : null;

  return (
    <Modal
      title={rotated ? `New secret for “${issued.name}”` : `Token “${issued.name}” created`}
      description={
        secret ? (
          <p>
            Copy it now and keep it in your secret store. <strong>You will not see this token again:</strong>{' '}
            Stockroom keeps only a hash of it.
          </p>
        ) : (
          <p>
            This token was already issued by an earlier, identical request, and its secret cannot be shown
            again. Rotate it to get a new one.
          </p>
        )
      }
      onClose={onDone}
      dismissable={false}
      returnFocus={returnFocus}
    >
      {secret && <SecretField secret={secret} />}
      {rotated && (
        <p className="alert alert--info">
          {graceUntil
            ? `The previous secret keeps working until ${formatTokenDate(graceUntil)}; switch your systems over before then.`
            : 'The previous secret no longer works.'}
        </p>
      )}
      <div className="button-row modal__actions">
        <button
          type="button"
          className="button button--primary"
          data-autofocus={secret ? undefined : true}
          onClick={onDone}
        >
          {secret ? 'I have stored it — close' : 'Close'}
        </button>
      </div>
    </Modal>
  );
}
