/**
 * Imported first by a test file that reads the handlers' metrics: off Lambda, `metrics.ts` turns
 * EMF off unless POWERTOOLS_METRICS_DISABLED says otherwise, and its instance reads the variable
 * when the module loads. `restoreMetricsEnv()` puts the variable back (jest workers are shared).
 */
const before = process.env.POWERTOOLS_METRICS_DISABLED;
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

export function restoreMetricsEnv(): void {
  if (before === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
  else process.env.POWERTOOLS_METRICS_DISABLED = before;
}
