/**
 * The audit (SPEC §1): recompute every level from the ledger and report drift,
 * never repair it. Two checks per level:
 *   - on_hand and reserved equal the sums of their movements;
 *   - reserved equals the quantity held by pending reservations.
 */
import type { Db } from '@stockroom/db';
import { sql } from 'kysely';

interface AuditMismatch {
  check: 'ledger' | 'holds';
  warehouseId: string;
  sku: string;
  onHand: number;
  reserved: number;
  /** What the ledger (or the pending holds, for `holds`) says. */
  expectedOnHand: number;
  expectedReserved: number;
}

export interface AuditReport {
  levelsChecked: number;
  mismatches: AuditMismatch[];
}

export async function verifyLedger(db: Db): Promise<AuditReport> {
  // One snapshot for all three reads, so concurrent traffic cannot fake drift.
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const count = await sql<{ n: number }>`select count(*)::int as n from stock_levels`.execute(trx);
      const rows = await sql<AuditMismatch>`
        with ledger as (
          select warehouse_id, product_id, sum(on_hand_delta)::int as on_hand, sum(reserved_delta)::int as reserved
          from stock_movements group by 1, 2
        ),
        holds as (
          select l.warehouse_id, l.product_id, sum(l.quantity)::int as reserved
          from reservation_lines l join reservations r on r.id = l.reservation_id
          where r.status = 'pending'
          group by 1, 2
        )
        select 'ledger' as check, s.warehouse_id, p.sku, s.on_hand, s.reserved,
               coalesce(m.on_hand, 0) as expected_on_hand, coalesce(m.reserved, 0) as expected_reserved
        from stock_levels s
        join products p on p.id = s.product_id
        left join ledger m using (warehouse_id, product_id)
        where s.on_hand <> coalesce(m.on_hand, 0) or s.reserved <> coalesce(m.reserved, 0)
        union all
        select 'holds', s.warehouse_id, p.sku, s.on_hand, s.reserved, s.on_hand, coalesce(h.reserved, 0)
        from stock_levels s
        join products p on p.id = s.product_id
        left join holds h using (warehouse_id, product_id)
        where s.reserved <> coalesce(h.reserved, 0)
        order by 1, 2, 3`.execute(trx);
      return { levelsChecked: count.rows[0]?.n ?? 0, mismatches: rows.rows };
    });
}
