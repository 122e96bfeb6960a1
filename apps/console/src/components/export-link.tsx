/**
 * "Export CSV": a plain link to the server's streamed export of what the page's
 * filters select now — every page, read by the server through the same procedure
 * (so the same roles and filters), never built from the rows on screen. The
 * session cookie authenticates the download (a GET changes nothing).
 */
export function ExportLink({
  what,
  filters,
  label = 'Export CSV',
}: {
  /** stock | movements | orders | pick-list */
  what: string;
  filters: Record<string, string | boolean | undefined>;
  label?: string;
}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value !== undefined && value !== '' && value !== false) params.set(name, String(value));
  }
  const query = params.toString();
  return (
    <a className="button" href={`/api/v1/exports/${what}.csv${query ? `?${query}` : ''}`} download>
      {label}
    </a>
  );
}
