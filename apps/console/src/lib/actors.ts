/**
 * Ledger rows and events record who acted as a label: `user:<id>`,
 * `service:<id>` or `system:<name>`. People read names where the console
 * knows them, "you" for themselves, and a short id otherwise.
 */
export function describeActor(
  label: string,
  options: { selfId?: string; names?: ReadonlyMap<string, string> } = {},
): string {
  const [kind, ...rest] = label.split(':');
  const id = rest.join(':');
  if (kind === 'user') {
    if (id === options.selfId) return 'you';
    return options.names?.get(id) ?? `user ${id.slice(0, 8)}`;
  }
  if (kind === 'service') return `service ${id.slice(0, 8)}`;
  if (kind === 'system') return `system (${id})`;
  return label;
}
