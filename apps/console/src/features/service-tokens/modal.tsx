import { type ReactNode, type RefObject, useEffect, useId, useRef } from 'react';

interface ModalProps {
  title: ReactNode;
  /** Read out with the title when the dialog opens. */
  description: ReactNode;
  /** Escape calls this (when `dismissable`); the parent then stops rendering the modal. */
  onClose: () => void;
  /** Where focus goes on close when the control that opened the modal is gone. */
  returnFocus?: RefObject<HTMLElement | null>;
  /** False: Escape does nothing, so an explicit button is the only way out. */
  dismissable?: boolean;
  children: ReactNode;
}

/**
 * A modal dialog on the browser's own `<dialog>`: focus stays inside, the page
 * behind is inert, and the title and description are announced. Focus starts
 * on the control marked `data-autofocus` and, on close, goes back to the
 * control that opened it (or `returnFocus` when that control is gone).
 */
export function Modal({
  title,
  description,
  onClose,
  returnFocus,
  dismissable = true,
  children,
}: ModalProps) {
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    const active = document.activeElement;
    const opener = active instanceof HTMLElement && active !== document.body ? active : null;
    if (dialog && !dialog.open) dialog.showModal();
    dialog?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      if (dialog?.open) dialog.close();
      const target = opener?.isConnected ? opener : returnFocus?.current;
      target?.focus();
    };
  }, [returnFocus]);

  return (
    <dialog
      ref={ref}
      className="card modal"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-description`}
      onCancel={(event) => {
        event.preventDefault();
        if (dismissable) close.current();
      }}
    >
      <h2 id={`${id}-title`} className="modal__title">
        {title}
      </h2>
      <div id={`${id}-description`} className="modal__description">
        {description}
      </div>
      {children}
    </dialog>
  );
}
