import { useId } from 'react';
import { Link } from 'wouter';
import { type Column, DataTable } from '../../components/data-table';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { formatDateTime, formatNumber, formatSigned } from '../../lib/format';
import { type RouterOutputs, trpc } from '../../trpc';
import { useWarehouses } from '../warehouses/use-warehouses';

type Report = RouterOutputs['audit']['verify'];
type Mismatch = Report['mismatches'][number];

const CHECK_TEXT: Record<Mismatch['check'], string> = {
  ledger: 'Level ≠ ledger',
  holds: 'Reserved ≠ pending holds',
};

function useColumns(): Column<Mismatch>[] {
  const { byId } = useWarehouses();
  const code = (m: Mismatch) => byId.get(m.warehouseId)?.code ?? m.warehouseId;
  return [
    {
      id: 'sku',
      header: 'SKU',
      rowHeader: true,
      className: 'nowrap',
      sortBy: (m) => m.sku,
      cell: (m) => <Link href={`/products/${encodeURIComponent(m.sku)}`}>{m.sku}</Link>,
    },
    { id: 'warehouse', header: 'Warehouse', sortBy: code, cell: code },
    { id: 'check', header: 'Check', sortBy: (m) => m.check, cell: (m) => CHECK_TEXT[m.check] },
    { id: 'onHand', header: 'On hand', numeric: true, cell: (m) => formatNumber(m.onHand) },
    {
      id: 'expectedOnHand',
      header: 'Expected on hand',
      numeric: true,
      cell: (m) => formatNumber(m.expectedOnHand),
    },
    { id: 'reserved', header: 'Reserved', numeric: true, cell: (m) => formatNumber(m.reserved) },
    {
      id: 'expectedReserved',
      header: 'Expected reserved',
      numeric: true,
      cell: (m) => formatNumber(m.expectedReserved),
    },
    {
      id: 'drift',
      header: 'Drift (on hand / reserved)',
      numeric: true,
      sortBy: (m) => Math.abs(m.onHand - m.expectedOnHand) + Math.abs(m.reserved - m.expectedReserved),
      cell: (m) =>
        `${formatSigned(m.onHand - m.expectedOnHand)} / ${formatSigned(m.reserved - m.expectedReserved)}`,
    },
  ];
}

function Result({ report, checkedAt }: { report: Report; checkedAt: number }) {
  const id = useId();
  const columns = useColumns();
  const clean = report.mismatches.length === 0;
  return (
    <section className="card panel" aria-labelledby={`${id}-title`}>
      <header className="panel__header">
        <h2 id={`${id}-title`}>Result</h2>
        <span className="text-muted">Checked {formatDateTime(new Date(checkedAt).toISOString())}</span>
      </header>
      <p role="status" className={`alert ${clean ? 'alert--success' : 'alert--error'}`}>
        {clean
          ? `No mismatches: all ${formatNumber(report.levelsChecked)} stock levels agree with the ledger and the pending holds.`
          : `${formatNumber(report.mismatches.length)} ${report.mismatches.length === 1 ? 'mismatch' : 'mismatches'} in ${formatNumber(report.levelsChecked)} stock levels checked.`}
      </p>
      {!clean && (
        <DataTable
          columns={columns}
          rows={report.mismatches}
          rowKey={(m) => `${m.check}:${m.warehouseId}:${m.sku}`}
          caption="Stock levels that disagree with the ledger or the holds"
        />
      )}
    </section>
  );
}

/** Admins check every stock level against the sum of its ledger and its pending holds. */
export function AuditPage() {
  const verify = trpc.audit.verify.useQuery(undefined, { enabled: false, retry: false });
  return (
    <div className="stack stack--lg">
      <PageHeader
        title="Audit"
        description="Compare every stock level with the sum of its movements (the ledger) and its reserved units with the pending holds. Any difference is listed."
        actions={
          <button
            type="button"
            className="button button--primary"
            disabled={verify.isFetching}
            onClick={() => void verify.refetch()}
          >
            {verify.isFetching ? 'Checking…' : 'Run audit'}
          </button>
        }
      />
      <ErrorMessage error={verify.error} />
      {verify.data && <Result report={verify.data} checkedAt={verify.dataUpdatedAt} />}
    </div>
  );
}
