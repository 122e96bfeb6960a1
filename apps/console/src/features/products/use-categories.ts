/**
 * The categories for the search filter, read from the catalogue's pages (the
 * API has no list of categories; at most MAX_PAGES × 100 products are read).
 */
import { useQuery } from '@tanstack/react-query';
import { trpc } from '../../trpc';

const MAX_PAGES = 20;

export function useCategories() {
  const utils = trpc.useUtils();
  return useQuery({
    queryKey: ['catalogue', 'categories'],
    queryFn: async () => {
      const categories = new Set<string>();
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const result = await utils.client.products.search.query({ limit: 100, cursor });
        for (const hit of result.items) categories.add(hit.category);
        if (!result.nextCursor) break;
        cursor = result.nextCursor;
      }
      return [...categories].sort((a, b) => a.localeCompare(b));
    },
    staleTime: 5 * 60_000,
  });
}
