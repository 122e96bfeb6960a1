import { type ChangeEvent, useId, useRef, useState } from 'react';
import { Link } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { Loading } from '../../components/states';
import { errorInfo } from '../../lib/errors';
import { formatNumber } from '../../lib/format';
import { trpc } from '../../trpc';
import {
  CHUNK,
  chunkOutcomes,
  type ImportLine,
  judgedLines,
  type LineStatus,
  type Outcome,
  previewable,
  syncItem,
} from './import-lines';
import { PreviewTable, ResultTable, StatusTag } from './import-tables';
import { parseCount } from './parse-count';
import './stock-import.css';

type Step =
  | { kind: 'pick' }
  | { kind: 'refused'; file: string; error: string }
  | { kind: 'preview'; file: string; lines: ImportLine[]; hasCountedAt: boolean }
  | { kind: 'applied'; file: string; lines: ImportLine[]; outcomes: Map<number, Outcome> };

/** Send the changed lines to sync, 1,000 at a time; each chunk reports its own outcome. */
function useApply() {
  const sync = trpc.inventory.sync.useMutation();
  const utils = trpc.useUtils();
  // One idempotency key per chunk: applying again after a failure resends the same chunk under the same key.
  const keys = useRef(new Map<string, string>());
  const keyFor = (input: unknown) => {
    const text = JSON.stringify(input);
    const key = keys.current.get(text) ?? crypto.randomUUID();
    keys.current.set(text, key);
    return key;
  };
  async function apply(lines: ImportLine[]): Promise<Map<number, Outcome>> {
    const changed = lines.filter((l) => l.status === 'changed');
    const outcomes = new Map<number, Outcome>();
    for (let start = 0; start < changed.length; start += CHUNK) {
      const chunk = changed.slice(start, start + CHUNK);
      const items = chunk.map(syncItem);
      try {
        const result = await sync.mutateAsync({ items, idempotencyKey: keyFor(items) });
        for (const [line, outcome] of chunkOutcomes(chunk, result)) outcomes.set(line, outcome);
      } catch (error) {
        const { appCode, message } = errorInfo(error);
        for (const line of chunk)
          outcomes.set(line.line, { kind: 'failed', message: `${appCode}: ${message}` });
      }
    }
    void utils.inventory.invalidate();
    void utils.products.get.invalidate();
    return outcomes;
  }
  return { apply, applying: sync.isPending };
}

function FilePicker({ onFile, disabled }: { onFile: (file: File) => void; disabled: boolean }) {
  const id = useId();
  return (
    <section className="card panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Count file</h2>
      <p className="text-muted text-sm" id={`${id}-hint`}>
        A CSV file whose first line names the columns <code>warehouse code, sku, on hand, counted at</code>.
        Nothing is changed until you apply the preview.
      </p>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-file`}>
          Stock count CSV file
        </label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".csv,text/csv"
          className="input input--file"
          aria-describedby={`${id}-hint`}
          disabled={disabled}
          onChange={(e: ChangeEvent<HTMLInputElement>) => {
            const file = e.currentTarget.files?.[0];
            if (file) onFile(file);
            e.currentTarget.value = '';
          }}
        />
      </div>
    </section>
  );
}

const ORDER: LineStatus[] = ['changed', 'unchanged', 'stale', 'invalid'];

function Counts({ lines }: { lines: ImportLine[] }) {
  return (
    <ul className="import-counts" aria-label="Rows by status">
      {ORDER.map((status) => (
        <li key={status}>
          <StatusTag status={status} /> {formatNumber(lines.filter((l) => l.status === status).length)}
        </li>
      ))}
    </ul>
  );
}

function PreviewPanel({
  step,
  applying,
  onApply,
}: {
  step: Extract<Step, { kind: 'preview' }>;
  applying: boolean;
  onApply: () => void;
}) {
  const changed = step.lines.filter((l) => l.status === 'changed').length;
  return (
    <section className="card panel" aria-labelledby="import-preview-title">
      <header className="panel__header">
        <h2 id="import-preview-title">Preview of {step.file}</h2>
        <Counts lines={step.lines} />
      </header>
      {!step.hasCountedAt && (
        <p className="alert alert--info">
          The file has no “counted at” column: each count is taken as of now and is never stale.
        </p>
      )}
      <PreviewTable lines={step.lines} />
      <div className="import-actions">
        <button
          type="button"
          className="button button--primary"
          disabled={changed === 0 || applying}
          onClick={onApply}
        >
          {applying
            ? 'Applying…'
            : `Apply ${formatNumber(changed)} changed ${changed === 1 ? 'row' : 'rows'}`}
        </button>
        <span className="text-muted text-sm">Unchanged, stale and invalid rows are not sent.</span>
      </div>
    </section>
  );
}

function ResultPanel({ step }: { step: Extract<Step, { kind: 'applied' }> }) {
  const outcomes = [...step.outcomes.values()];
  const applied = outcomes.filter((o) => o.kind === 'applied').length;
  const failed = outcomes.filter((o) => o.kind === 'failed').length;
  return (
    <section className="card panel" aria-labelledby="import-result-title">
      <header className="panel__header">
        <h2 id="import-result-title">Result of {step.file}</h2>
      </header>
      <p role="status" className={`alert ${failed > 0 ? 'alert--error' : 'alert--success'}`}>
        {formatNumber(applied)} {applied === 1 ? 'row' : 'rows'} applied
        {failed > 0 ? `, ${formatNumber(failed)} failed` : ''}.
      </p>
      <ResultTable lines={step.lines} outcomes={step.outcomes} />
    </section>
  );
}

/** Import a stock count: pick a CSV file, see what it would change row by row, then apply it. */
export function StockImportPage() {
  const [step, setStep] = useState<Step>({ kind: 'pick' });
  const preview = trpc.inventory.syncPreview.useMutation();
  const { apply, applying } = useApply();

  async function onFile(file: File) {
    preview.reset();
    const parsed = parseCount(await file.text());
    if (!parsed.ok) return setStep({ kind: 'refused', file: file.name, error: parsed.error });
    setStep({ kind: 'pick' });
    const rows = previewable(parsed.rows).map((r) => ({
      warehouse: r.warehouse,
      sku: r.sku,
      onHand: r.onHand as number,
      countedAt: r.countedAt,
    }));
    // Rows with no number for on hand are judged here; the API judges the others (at least one is needed).
    const judged = rows.length > 0 ? await preview.mutateAsync({ rows }).catch(() => null) : { rows: [] };
    if (!judged) return;
    const lines = judgedLines(parsed.rows, judged.rows);
    setStep({ kind: 'preview', file: file.name, lines, hasCountedAt: parsed.hasCountedAt });
  }

  async function onApply() {
    if (step.kind !== 'preview') return;
    const outcomes = await apply(step.lines);
    setStep({ kind: 'applied', file: step.file, lines: step.lines, outcomes });
  }

  return (
    <div className="stack stack--lg">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/stock">Stock</Link> <span aria-hidden="true">/</span> <span>Import a count</span>
      </nav>
      <PageHeader
        title="Import a stock count"
        description="Set on hand from a count file. Counts taken before a level's last change are left alone."
      />
      <FilePicker onFile={onFile} disabled={preview.isPending || applying} />
      {step.kind === 'refused' && (
        <div className="alert alert--error" role="alert">
          <strong>{step.file} cannot be imported.</strong> {step.error}
        </div>
      )}
      {preview.isPending && <Loading label="Checking every row…" />}
      {preview.error && <ErrorMessage error={preview.error} />}
      {step.kind === 'preview' && <PreviewPanel step={step} applying={applying} onApply={onApply} />}
      {step.kind === 'applied' && <ResultPanel step={step} />}
    </div>
  );
}
