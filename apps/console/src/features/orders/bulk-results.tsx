import type { BulkRun } from './bulk-run';

/** Per order, what a bulk action did: done, waiting, or the API's refusal in its own words. */
export function BulkResults({ run, onDismiss }: { run: BulkRun; onDismiss: () => void }) {
  const done = run.outcomes.filter((o) => o.state === 'done').length;
  const refused = run.outcomes.filter((o) => o.state === 'refused').length;
  const summary = run.finished
    ? `${run.action}: ${done} of ${run.outcomes.length} done${refused > 0 ? `, ${refused} refused` : ''}.`
    : `${run.action}: ${done + refused} of ${run.outcomes.length} answered…`;
  return (
    <section className="card panel bulk-results" aria-labelledby="bulk-results-title">
      <header className="panel__header">
        <h2 id="bulk-results-title">{run.action} results</h2>
        <button type="button" className="button button--small button--ghost" onClick={onDismiss}>
          Dismiss
        </button>
      </header>
      <p className={`alert ${refused > 0 ? 'alert--warning' : 'alert--success'}`} role="status">
        {summary}
      </p>
      <table className="table">
        <caption className="visually-hidden">Outcome per order</caption>
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {run.outcomes.map((o) => (
            <tr key={o.key} className={o.state === 'refused' ? 'bulk-results__refused' : undefined}>
              <th scope="row">{o.label}</th>
              <td className="cell-wrap">
                {o.state === 'refused' ? (
                  <>
                    <span className="badge badge--danger">{o.appCode}</span> {o.message}
                  </>
                ) : o.state === 'done' ? (
                  <span className="badge badge--success">{o.message}</span>
                ) : (
                  <span className="text-muted">{o.message}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
