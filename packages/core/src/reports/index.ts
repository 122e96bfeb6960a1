/** Figures over all rows for dashboards: computed in SQL, scoped to the caller's warehouses. */
export { dashboardSummary, ZDashboardSummary, ZDashboardSummaryInput } from './summary.js';
