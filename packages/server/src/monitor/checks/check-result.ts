import type { Severity } from '../../spec/model-spec.js';

export type CheckStatus = 'ok' | 'warning' | 'failing' | 'skipped';

export interface CheckResult {
  status: CheckStatus;
  /** The figure the check judged (a metric, a drift share, a missing share…), when there is one. */
  value: number | null;
  message: string;
  detail?: unknown;
}

/** A check that trips reports by its severity: critical fails the model, warning warns, info only records. */
export function tripped(severity: Severity): CheckStatus {
  return severity === 'critical' ? 'failing' : severity === 'warning' ? 'warning' : 'ok';
}

export const skipped = (message: string): CheckResult => ({ status: 'skipped', value: null, message });
