import { useState } from 'react';
import { BulkReport, type BulkResult, BulkShipForm, type ListedOrder, useBulkActions } from './bulk-actions';

/**
 * The selected orders' actions: pick, ship (carrier and a tracking number per
 * shipment), cancel with a reason. Each order is sent on its own and the report
 * says, per order, done or the exact refusal (INVALID_TRANSITION, VERSION_MISMATCH…).
 */
export function BulkBar({ chosen, onClear }: { chosen: ListedOrder[]; onClear: () => void }) {
  const [mode, setMode] = useState<'ship' | 'cancel' | null>(null);
  const [reason, setReason] = useState('');
  const [results, setResults] = useState<BulkResult[] | null>(null);
  const bulk = useBulkActions((r) => {
    setResults(r);
    setMode(null);
    onClear();
  });
  return (
    <>
      {chosen.length > 0 && (
        <div className="bulk-bar" role="toolbar" aria-label="Selected orders">
          <span>{chosen.length} selected</span>
          <button
            type="button"
            className="button"
            disabled={bulk.busy}
            onClick={() => void bulk.pick(chosen)}
          >
            Pick
          </button>
          <button type="button" className="button" disabled={bulk.busy} onClick={() => setMode('ship')}>
            Ship…
          </button>
          <button
            type="button"
            className="button button--danger-outline"
            disabled={bulk.busy}
            onClick={() => setMode('cancel')}
          >
            Cancel…
          </button>
          <button type="button" className="button button--ghost" onClick={onClear}>
            Clear selection
          </button>
        </div>
      )}
      {mode === 'ship' && chosen.length > 0 && (
        <BulkShipForm
          orders={chosen}
          busy={bulk.busy}
          onShip={(rows, code) => void bulk.ship(rows, code)}
          onClose={() => setMode(null)}
        />
      )}
      {mode === 'cancel' && chosen.length > 0 && (
        <form
          className="card panel stack"
          aria-label="Cancel the selected orders"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim()) void bulk.cancel(chosen, reason.trim());
          }}
        >
          <div className="field">
            <label className="field__label" htmlFor="bulk-cancel-reason">
              Reason for cancelling {chosen.length} {chosen.length === 1 ? 'order' : 'orders'}
            </label>
            <input
              id="bulk-cancel-reason"
              className="input"
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
            />
          </div>
          <div className="button-row">
            <button type="submit" className="button button--danger" disabled={bulk.busy || !reason.trim()}>
              Cancel orders
            </button>
            <button type="button" className="button" onClick={() => setMode(null)}>
              Back
            </button>
          </div>
        </form>
      )}
      {results && <BulkReport results={results} onClose={() => setResults(null)} />}
    </>
  );
}
