/** The next highlighted row for ↑/↓: stops at the ends; from nothing, ↓ goes to the first row. */
export function moveActive(current: number, delta: number, count: number): number {
  if (count === 0) return -1;
  if (current < 0) return delta > 0 ? 0 : count - 1;
  return Math.min(count - 1, Math.max(0, current + delta));
}
