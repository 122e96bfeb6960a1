/**
 * "Export CSV": a plain link to the API's export of what the page shows now
 * (GET /api/v1/exports/<list>.csv with the page's filters). The server reads
 * every page and streams the file; the browser's session cookie signs the GET
 * in (a GET changes nothing, so it needs no CSRF token).
 */
export type ExportList = 'stock' | 'movements' | 'orders' | 'pick-list';

function exportUrl(list: ExportList, filters: Record<string, string | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value !== undefined && value !== '' && value !== false) params.set(name, String(value));
  }
  const search = params.toString();
  return `/api/v1/exports/${list}.csv${search ? `?${search}` : ''}`;
}

export function ExportLink({
  list,
  filters,
  label = 'Export CSV',
  description,
  name,
}: {
  list: ExportList;
  filters: Record<string, string | boolean | undefined>;
  label?: string;
  /** What the file holds, as the tooltip ("every filtered stock level"). */
  description?: string;
  /** The link's accessible name where a page has several exports ("Export Ready to pick as CSV"). */
  name?: string;
}) {
  return (
    <a
      className="button button--small"
      href={exportUrl(list, filters)}
      download
      title={description}
      aria-label={name}
    >
      <svg viewBox="0 0 16 16" aria-hidden="true" width="14" height="14">
        <path d="M8 2v8m0 0 3-3m-3 3L5 7M3 12v2h10v-2" fill="none" stroke="currentColor" strokeWidth="1.5" />
      </svg>
      {label}
    </a>
  );
}
