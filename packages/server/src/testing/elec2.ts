import { numericRows } from './datasets.js';

/** Elec2 starts on 7 May 1996; one row every 30 minutes. */
export const ELEC2_START = Date.UTC(1996, 4, 7);
export const ELEC2_STEP = 30 * 60_000;
export const ELEC2_FEATURES = [
  'period',
  'nswprice',
  'nswdemand',
  'vicprice',
  'vicdemand',
  'transfer',
] as const;

export interface Elec2Prediction {
  id: string;
  time: number;
  features: Record<string, number>;
  output: number;
  score: number;
  label: number;
}

/** The committed example predictions of a model trained on Elec2's first weeks, with their rows' features and labels. */
export function elec2Predictions(): Elec2Prediction[] {
  const data = numericRows('elec2');
  return numericRows('elec2-predictions').map((line) => {
    const [row, label, pred, score] = line as [number, number, number, number];
    const values = data[row] as number[];
    return {
      id: `r${row}`,
      time: ELEC2_START + row * ELEC2_STEP,
      features: Object.fromEntries(ELEC2_FEATURES.map((f, i) => [f, values[i] as number])),
      output: pred,
      score,
      label,
    };
  });
}

export const ELEC2_MODEL = {
  name: 'elec2',
  task: 'binary',
  features: ELEC2_FEATURES.map((name) => ({ name, type: 'numeric' })),
  window: '1d',
} as const;

/** Every row of elec2.csv as feature values and class, in time order. */
export function elec2Rows(): Array<Record<(typeof ELEC2_FEATURES)[number] | 'class', number>> {
  return numericRows('elec2').map((v) => {
    return {
      period: v[0],
      nswprice: v[1],
      nswdemand: v[2],
      vicprice: v[3],
      vicdemand: v[4],
      transfer: v[5],
      class: v[6],
    } as Record<(typeof ELEC2_FEATURES)[number] | 'class', number>;
  });
}
