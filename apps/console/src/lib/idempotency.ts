import { useRef } from 'react';

/**
 * One idempotency key per user action. The same input sent again (a retried
 * click, a resend after a network error) reuses its key, so the API applies it
 * once; a different input is a new action and gets a new key.
 */
export class ActionKeys {
  private last: { input: string; key: string } | null = null;

  constructor(private readonly newKey: () => string = () => crypto.randomUUID()) {}

  keyFor(input: unknown): string {
    const serialized = JSON.stringify(input);
    if (this.last?.input !== serialized) this.last = { input: serialized, key: this.newKey() };
    return this.last.key;
  }

  /** The action succeeded: the next submit is a new action, even with the same input. */
  done(): void {
    this.last = null;
  }
}

export function useActionKeys(): ActionKeys {
  const ref = useRef<ActionKeys | null>(null);
  ref.current ??= new ActionKeys();
  return ref.current;
}
