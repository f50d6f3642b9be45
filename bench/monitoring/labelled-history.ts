// A model's labelled history at one rate (10^6 a year: a prediction every 31.5 s), stored through the server's own
// ingestion path (profiles and label states included): what bench/monitoring and bench/soak read and write on.
import type { StewardApp } from '../../packages/server/src/http/app.js';
import type { LabelRecord, PredictionRecord } from '../../packages/server/src/spec/records.js';
import { ELEC2_FEATURES, elec2Predictions } from '../../packages/server/src/testing/elec2.js';

export const YEAR = 365 * 86_400_000;
/** Milliseconds between two predictions. */
export const STEP = YEAR / 1_000_000;
export const HISTORY_MODEL = {
  task: 'binary',
  window: '1h',
  features: ELEC2_FEATURES.map((name) => ({ name, type: 'numeric' })),
} as const;

const source = elec2Predictions();

/** Stores `rows` labelled predictions of model `name` (ids p0, p1, …), the first at `start`. */
export async function storeLabelledHistory(
  steward: StewardApp,
  name: string,
  rows: number,
  start: number,
): Promise<void> {
  const { model } = await steward.context.catalog.put({ ...HISTORY_MODEL, name });
  for (let b = 0; b < rows / 1000; b++) {
    const predictions: PredictionRecord[] = [];
    const labels: LabelRecord[] = [];
    for (let i = 0; i < 1000; i++) {
      const k = b * 1000 + i;
      const s = source[k % source.length] as (typeof source)[number];
      const time = start + Math.floor(k * STEP);
      predictions.push({
        id: `p${k}`,
        time,
        version: '1',
        segment: null,
        features: s.features,
        output: s.output,
        score: s.score,
        proba: null,
      });
      labels.push({ predictionId: `p${k}`, label: s.label, time });
    }
    await steward.context.ingestion.predictions(model, predictions);
    await steward.context.ingestion.labels(model, labels);
  }
}
