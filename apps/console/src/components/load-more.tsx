import { useEffect, useRef } from 'react';
import { ErrorMessage } from './error-message';

interface LoadMoreProps {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
  error?: unknown;
  /** Load the next page by itself when the button scrolls into view. */
  auto?: boolean;
  label?: string;
}

/** Cursor paging: a "Load more" button that also loads as it comes into view. */
export function LoadMore({
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  error,
  auto = true,
  label = 'Load more',
}: LoadMoreProps) {
  const ref = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const element = ref.current;
    if (!auto || !element || !hasNextPage || error || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) fetchNextPage();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [auto, hasNextPage, isFetchingNextPage, fetchNextPage, error]);

  if (!hasNextPage && !error) return null;
  return (
    <div className="load-more">
      {error ? <ErrorMessage error={error} /> : null}
      {hasNextPage && (
        <button
          ref={ref}
          type="button"
          className="button"
          onClick={() => fetchNextPage()}
          disabled={isFetchingNextPage}
        >
          {isFetchingNextPage ? 'Loading…' : label}
        </button>
      )}
    </div>
  );
}
