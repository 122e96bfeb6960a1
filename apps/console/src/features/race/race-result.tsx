import { formatNumber } from '../../lib/format';
import type { RouterOutputs } from '../../trpc';

type Result = RouterOutputs['demo']['race'];

const MAX_DOTS = 1000;

/** The level before and after the race. */
function LevelsTable({ before, after }: { before: Result['before']; after: Result['after'] }) {
  return (
    <div className="table-wrap">
      <table className="table table--compact race-levels">
        <caption className="visually-hidden">The level before and after the race</caption>
        <thead>
          <tr>
            <th scope="col">Level</th>
            <th scope="col" className="numeric">
              On hand
            </th>
            <th scope="col" className="numeric">
              Reserved
            </th>
            <th scope="col" className="numeric">
              Available
            </th>
            <th scope="col" className="numeric">
              Version
            </th>
          </tr>
        </thead>
        <tbody>
          {[
            ['Before', before],
            ['After', after],
          ].map(([label, level]) => {
            const l = level as Result['before'];
            return (
              <tr key={label as string}>
                <th scope="row">{label as string}</th>
                <td className="numeric">{formatNumber(l.onHand)}</td>
                <td className="numeric">{formatNumber(l.reserved)}</td>
                <td className="numeric">{formatNumber(l.available)}</td>
                <td className="numeric">v{l.version}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The race's outcome and the arithmetic that shows there was no oversell. */
export function RaceResult({ result, unitsEach }: { result: Result; unitsEach: number }) {
  const { before, after } = result;
  const possible = Math.min(result.attempted, Math.floor(before.available / unitsEach));
  const taken = before.available - after.available;
  const exact = result.succeeded === possible;
  const balanced = taken === result.succeeded * unitsEach;
  const noOversell = after.available >= 0 && after.reserved <= after.onHand;
  const dots = Math.min(result.attempted, MAX_DOTS);

  return (
    <section className="card panel race-result" aria-labelledby="race-result-title">
      <header className="panel__header">
        <h2 id="race-result-title">Result</h2>
        <span className={`badge ${exact && balanced && noOversell ? 'badge--success' : 'badge--danger'}`}>
          {exact && balanced && noOversell ? 'No oversell' : 'Check the numbers'}
        </span>
      </header>
      <dl className="race-numbers">
        <div>
          <dt>Attempted</dt>
          <dd data-testid="race-attempted">{formatNumber(result.attempted)}</dd>
        </div>
        <div className="race-numbers--won">
          <dt>Succeeded</dt>
          <dd data-testid="race-succeeded">{formatNumber(result.succeeded)}</dd>
        </div>
        <div className="race-numbers--lost">
          <dt>Failed</dt>
          <dd data-testid="race-failed">{formatNumber(result.failed)}</dd>
        </div>
      </dl>

      <div
        className="race-dots"
        role="img"
        aria-label={`${result.succeeded} of ${result.attempted} buyers got a hold`}
      >
        {Array.from({ length: dots }, (_, i) => (
          <span key={i} className={i < result.succeeded ? 'race-dot race-dot--won' : 'race-dot'} />
        ))}
      </div>

      <LevelsTable before={before} after={after} />

      <ul className="proof">
        <li className={exact ? 'proof--ok' : 'proof--bad'}>
          {formatNumber(before.available)} available ÷ {unitsEach} each → at most {formatNumber(possible)}{' '}
          winners; <strong>{formatNumber(result.succeeded)} won</strong>.
        </li>
        <li className={balanced ? 'proof--ok' : 'proof--bad'}>
          Winners took {formatNumber(result.succeeded)} × {unitsEach} ={' '}
          {formatNumber(result.succeeded * unitsEach)} units; available went from{' '}
          {formatNumber(before.available)} to {formatNumber(after.available)} (−
          {formatNumber(taken)}).
        </li>
        <li className={noOversell ? 'proof--ok' : 'proof--bad'}>
          Reserved ({formatNumber(after.reserved)}) never exceeds on hand ({formatNumber(after.onHand)}).
        </li>
        {Object.entries(result.failures).map(([code, count]) => (
          <li key={code} className="text-muted">
            {formatNumber(count)} × <code>{code}</code>
          </li>
        ))}
      </ul>
      <p className="text-muted text-sm">
        The winners hold their units for {Math.round(result.holdSeconds / 60)} minutes; then the holds end by
        themselves.
      </p>
    </section>
  );
}
