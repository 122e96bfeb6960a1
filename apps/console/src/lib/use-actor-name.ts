import { useCallback, useMemo } from 'react';
import { useUser } from '../auth/session-context';
import { trpc } from '../trpc';
import { describeActor } from './actors';

/** Turns an actor label into a name; admins may list users, so they see everyone's names. */
export function useActorName(): (label: string) => string {
  const user = useUser();
  const users = trpc.users.list.useQuery(undefined, {
    enabled: user.role === 'admin',
    staleTime: 5 * 60_000,
  });
  const names = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u.name])), [users.data]);
  return useCallback((label: string) => describeActor(label, { selfId: user.id, names }), [user.id, names]);
}
