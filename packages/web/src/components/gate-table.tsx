import { num, pValue } from '../lib/format';

export interface Comparison {
  metric: string;
  production: number | null;
  candidate: number | null;
  improvement: number | null;
  required?: number;
  tolerance?: number;
  ok?: boolean;
}

export interface GateView {
  promote?: boolean;
  reasons?: string[];
  rows?: number;
  primary?: Comparison;
  guards?: Comparison[];
  test?: { name: string; pValue: number; alpha: number; [key: string]: unknown };
}

const TEST_NAMES: Record<string, string> = {
  mcnemar: 'McNemar test',
  tango: 'Paired test with a margin (Tango)',
  pairedBootstrap: 'Paired bootstrap',
};

/** Production and candidate side by side on the same held-out rows: the gate's numbers and verdict. */
export function GateTable({ gate }: { gate: GateView }) {
  const rows: Array<Comparison & { role: string; passed: boolean | undefined }> = [];
  // Non-inferiority (classification): the primary may lose up to the margin; the test decides.
  const margin = gate.test?.name === 'tango' ? Number(gate.test.margin) : undefined;
  if (gate.primary)
    rows.push({
      ...gate.primary,
      ...(margin !== undefined ? { required: -margin } : {}),
      role: 'primary',
      passed:
        gate.primary.improvement !== null &&
        gate.primary.improvement >= (margin !== undefined ? -margin : (gate.primary.required ?? 0)),
    });
  for (const g of gate.guards ?? []) rows.push({ ...g, role: 'guard', passed: g.ok });
  return (
    <div className="gate">
      <table className="gate-table">
        <thead>
          <tr>
            <th>Metric</th>
            <th>Role</th>
            <th>Production</th>
            <th>Candidate</th>
            <th>Improvement</th>
            <th>Needed</th>
            <th>Pass</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.role}-${r.metric}`} data-metric={r.metric} className={r.passed ? 'pass' : 'fail'}>
              <td>{r.metric}</td>
              <td>{r.role}</td>
              <td>{num(r.production)}</td>
              <td>{num(r.candidate)}</td>
              <td>{num(r.improvement)}</td>
              <td>{r.role === 'primary' ? `≥ ${num(r.required)}` : `≥ −${num(r.tolerance)}`}</td>
              <td>{r.passed ? '✓' : '✗'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {gate.test && (
        <p className="gate-test">
          {TEST_NAMES[gate.test.name] ?? gate.test.name}
          {margin !== undefined ? ` (margin ${margin})` : ''}: p = {pValue(gate.test.pValue)} (α ={' '}
          {gate.test.alpha}){gate.rows !== undefined ? ` on ${gate.rows} held-out rows` : ''}
          {gate.promote !== undefined && <strong>{gate.promote ? ' — promote' : ' — reject'}</strong>}
        </p>
      )}
      {gate.reasons && (
        <ul className="reasons">
          {gate.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
