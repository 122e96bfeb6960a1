import { formatDateTime, formatNumber, formatSigned } from '../../lib/format';
import { deltaOf, type ImportLine, type LineStatus, type Outcome } from './import-lines';

const STATUS_TONE: Record<LineStatus, string> = {
  changed: 'info',
  unchanged: 'muted',
  stale: 'warning',
  invalid: 'danger',
};

const STATUS_TEXT: Record<LineStatus, string> = {
  changed: 'Changed',
  unchanged: 'Unchanged',
  stale: 'Stale',
  invalid: 'Invalid',
};

export function StatusTag({ status }: { status: LineStatus }) {
  return <span className={`badge badge--${STATUS_TONE[status]}`}>{STATUS_TEXT[status]}</span>;
}

function Delta({ line }: { line: ImportLine }) {
  const delta = deltaOf(line);
  if (delta === null) return <span className="text-muted">—</span>;
  if (delta === 0) return <span className="text-muted">0</span>;
  return <span className={delta > 0 ? 'delta delta--up' : 'delta delta--down'}>{formatSigned(delta)}</span>;
}

const reasonOf = (line: ImportLine) =>
  line.reason ??
  (line.status === 'changed'
    ? line.current
      ? `${formatNumber(line.current.onHand)} → ${formatNumber(line.onHand ?? 0)}`
      : 'first count here'
    : 'same as on hand now');

/** The preview: every row of the file with what applying it would do, and why. */
export function PreviewTable({ lines }: { lines: ImportLine[] }) {
  return (
    <div className="table-wrap">
      <table className="table import-table">
        <caption className="visually-hidden">Preview of the stock count, row by row</caption>
        <thead>
          <tr>
            <th scope="col" className="numeric">
              Line
            </th>
            <th scope="col">Warehouse</th>
            <th scope="col">SKU</th>
            <th scope="col" className="numeric">
              On hand now
            </th>
            <th scope="col" className="numeric">
              Counted
            </th>
            <th scope="col" className="numeric">
              Change
            </th>
            <th scope="col" className="hide-narrow">
              Counted at
            </th>
            <th scope="col">Status</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => (
            <tr key={line.line} data-status={line.status}>
              <td className="numeric">{line.line}</td>
              <td>{line.warehouse}</td>
              <td>
                <code>{line.sku}</code>
              </td>
              <td className="numeric">{line.current ? formatNumber(line.current.onHand) : '—'}</td>
              <td className="numeric">
                {line.onHand === null ? line.onHandText : formatNumber(line.onHand)}
              </td>
              <td className="numeric">
                <Delta line={line} />
              </td>
              <td className="hide-narrow nowrap">
                {line.countedAt && !Number.isNaN(Date.parse(line.countedAt))
                  ? formatDateTime(line.countedAt)
                  : (line.countedAt ?? '—')}
              </td>
              <td>
                <StatusTag status={line.status} />
              </td>
              <td className="cell-wrap">{reasonOf(line)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function outcomeText(outcome: Outcome): { label: string; tone: string; detail: string } {
  switch (outcome.kind) {
    case 'applied':
      return {
        label: 'Applied',
        tone: 'success',
        detail: `on hand is now ${formatNumber(outcome.onHand)} (v${outcome.version})`,
      };
    case 'unchanged':
      return { label: 'Unchanged', tone: 'muted', detail: 'already at this count' };
    case 'stale':
      return {
        label: 'Not applied',
        tone: 'warning',
        detail: 'the level changed after this count was taken',
      };
    case 'failed':
      return { label: 'Failed', tone: 'danger', detail: outcome.message };
    case 'skipped':
      return {
        label: 'Not sent',
        tone: 'muted',
        detail: `${STATUS_TEXT[outcome.status].toLowerCase()} in the preview`,
      };
  }
}

/** After Apply: what happened to each row of the file. */
export function ResultTable({ lines, outcomes }: { lines: ImportLine[]; outcomes: Map<number, Outcome> }) {
  return (
    <div className="table-wrap">
      <table className="table import-table">
        <caption className="visually-hidden">What applying the stock count did, row by row</caption>
        <thead>
          <tr>
            <th scope="col" className="numeric">
              Line
            </th>
            <th scope="col">Warehouse</th>
            <th scope="col">SKU</th>
            <th scope="col">Result</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => {
            const outcome = outcomes.get(line.line) ?? { kind: 'skipped', status: line.status };
            const text = outcomeText(outcome);
            return (
              <tr key={line.line} data-outcome={outcome.kind}>
                <td className="numeric">{line.line}</td>
                <td>{line.warehouse}</td>
                <td>
                  <code>{line.sku}</code>
                </td>
                <td>
                  <span className={`badge badge--${text.tone}`}>{text.label}</span>
                </td>
                <td className="cell-wrap">
                  {outcome.kind === 'skipped' && line.reason ? `${text.detail}: ${line.reason}` : text.detail}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
