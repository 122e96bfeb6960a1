import { keepPreviousData, type QueryKey, useInfiniteQuery } from '@tanstack/react-query';

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Cursor paging (`{ items, nextCursor }`) for an API list. tRPC's own
 * useInfiniteQuery adds a `direction` field to the input, which the API's strict
 * list schemas refuse; this sends exactly `input + cursor`. Pass the key tRPC
 * would use (`getQueryKey(trpc.x.y, input, 'infinite')`) so live invalidation
 * of `trpc.x` refreshes it too.
 */
export function useCursorPages<T>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
  options: { keepPrevious?: boolean } = {},
) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: options.keepPrevious ? keepPreviousData : undefined,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return { ...query, items };
}
