import { describe, expect, test } from 'vitest';
import { StewardInputError } from '../../errors.js';
import { seededRandom } from '../../stats/random.js';
import {
  createAnomalyDetector,
  EwmaChart,
  RobustZScore,
  restoreAnomalyDetector,
  SeasonalZScore,
  type SeriesAnomalyDetector,
} from './index.js';

const random = seededRandom(5);
const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const flagged = (d: SeriesAnomalyDetector, series: number[]) =>
  series.map((v) => d.update(v)).flatMap((p, i) => (p.anomaly ? [i] : []));

describe('EwmaChart', () => {
  test('catches a small sustained drop in accuracy sooner than a 3σ per-point rule (50 seeded series)', () => {
    let falseAlarmRuns = 0;
    const delays: number[] = [];
    const perPointDelays: number[] = [];
    for (let run = 0; run < 50; run++) {
      const series = [
        ...Array.from({ length: 130 }, () => 0.9 + 0.01 * gauss()),
        ...Array.from({ length: 100 }, () => 0.89 + 0.01 * gauss()), // a 1σ decline
      ];
      const alarms = flagged(new EwmaChart(), series);
      if (alarms.some((i) => i < 130)) falseAlarmRuns++;
      delays.push((alarms.find((i) => i >= 130) ?? 230) - 130);
      const hit = series.findIndex((v, i) => i >= 130 && Math.abs(v - 0.9) > 0.03);
      perPointDelays.push((hit < 0 ? 230 : hit) - 130);
    }
    const median = (v: number[]) => [...v].sort((x, y) => x - y)[25] as number;
    expect(median(delays)).toBeLessThan(median(perPointDelays) / 2);
    expect(delays.filter((d) => d >= 100).length).toBeLessThanOrEqual(2); // almost never missed
    expect(falseAlarmRuns).toBeLessThanOrEqual(10); // nominal in-control ARL ≈ 560: about 1 run in 6 alarms within 100 points
  });

  test('limits follow the EWMA formula and widen to L·σ·√(λ/(2−λ))', () => {
    const chart = new EwmaChart({ warmup: 4, lambda: 0.2, width: 3 });
    for (const v of [1, 2, 3, 4]) expect(chart.update(v).expected).toBeNull();
    const sd = Math.sqrt(5 / 3); // sample deviation of 1..4
    const first = chart.update(2.5); // judged against the warm-up estimates, then learnt
    expect(first.upper).toBeCloseTo(2.5 + 3 * sd * Math.sqrt((0.2 / 1.8) * (1 - 0.8 ** 2)), 12);
    // Feeding the mean keeps μ and shrinks σ by √((n − 1)/(m − 1)); the limits tend to L·σ·√(λ/(2−λ)).
    let last = first;
    for (let i = 0; i < 200; i++) last = chart.update(2.5);
    const sdNow = Math.sqrt(5 / 203); // judged before it is learnt: n = 204 values so far
    expect(last.expected).toBeCloseTo(2.5, 12);
    expect(last.upper).toBeCloseTo(2.5 + 3 * sdNow * Math.sqrt((0.2 / 1.8) * (1 - 0.8 ** (2 * 201))), 12);
  });
});

describe('RobustZScore', () => {
  test('flags every injected spike, and a spike does not hide the next one (50 seeded series)', () => {
    let falseAlarms = 0;
    for (let run = 0; run < 50; run++) {
      const series = Array.from({ length: 300 }, () => 100 + 5 * gauss());
      const spikes = [50, 52, 180, 181, 250];
      for (const i of spikes) series[i] = (series[i] as number) + (i % 2 ? -40 : 45);
      const alarms = flagged(new RobustZScore(), series);
      expect(spikes.every((i) => alarms.includes(i))).toBe(true);
      falseAlarms += alarms.filter((i) => !spikes.includes(i)).length;
    }
    expect(falseAlarms / (50 * 295)).toBeLessThan(0.005);
  });

  test('a level shift becomes the new normal after about half a window', () => {
    const series = [
      ...Array.from({ length: 60 }, () => 10 + gauss()),
      ...Array.from({ length: 60 }, () => 20 + gauss()),
    ];
    const alarms = flagged(new RobustZScore({ window: 30 }), series);
    expect(alarms.filter((i) => i < 60).length).toBeLessThanOrEqual(1);
    expect(alarms).toContain(60);
    expect(Math.max(...alarms)).toBeLessThan(60 + 16);
  });
});

describe('SeasonalZScore', () => {
  const day = (h: number) => 1000 + 400 * Math.sin((2 * Math.PI * h) / 24);
  const series = Array.from({ length: 24 * 14 }, (_, h) => day(h) + 20 * gauss());
  const anomalies = [24 * 5 + 6, 24 * 9 + 18, 24 * 12 + 3];
  for (const i of anomalies) series[i] = (series[i] as number) - 250;

  test('follows the daily cycle and flags only the injected dips', () => {
    expect(flagged(new SeasonalZScore({ period: 24 }), series)).toEqual(anomalies);
  });

  test('a non-seasonal detector on the same series misses the dips: the cycle widens its band', () => {
    const alarms = flagged(new RobustZScore({ window: 24 }), series);
    expect(anomalies.some((i) => alarms.includes(i))).toBe(false);
  });

  test('its band tracks the cycle', () => {
    const d = new SeasonalZScore({ period: 24 });
    const points = series.map((v) => d.update(v));
    const noon = points[24 * 13 + 6];
    const night = points[24 * 13 + 18];
    expect(noon?.expected).toBeGreaterThan(1300);
    expect(night?.expected).toBeLessThan(700);
    expect((noon?.upper as number) - (noon?.lower as number)).toBeLessThan(250);
  });
});

describe('state and bad input', () => {
  const makers: [string, () => SeriesAnomalyDetector, (json: never) => SeriesAnomalyDetector][] = [
    ['EwmaChart', () => new EwmaChart(), (j) => EwmaChart.fromJSON(j)],
    ['RobustZScore', () => new RobustZScore(), (j) => RobustZScore.fromJSON(j)],
    ['SeasonalZScore', () => new SeasonalZScore({ period: 7 }), (j) => SeasonalZScore.fromJSON(j)],
  ];
  const values = Array.from({ length: 120 }, (_, i) => 50 + 10 * Math.sin(i / 3) + gauss());
  test.each(makers)('%s continues exactly after a JSON round trip', (_, make, restore) => {
    const whole = values.map((v) => make().update(v) && v); // warm JIT paths, no state kept
    expect(whole.length).toBe(120);
    const a = make();
    const expected = values.map((v) => a.update(v));
    const b = make();
    const first = values.slice(0, 70).map((v) => b.update(v));
    const c = restore(JSON.parse(JSON.stringify(b.toJSON())) as never);
    expect([...first, ...values.slice(70).map((v) => c.update(v))]).toEqual(expected);
  });

  const errors: [string, () => unknown, RegExp][] = [
    [
      'NaN value',
      () => new RobustZScore().update(Number.NaN),
      /RobustZScore.update takes a finite number, got NaN/,
    ],
    [
      'lambda',
      () => new EwmaChart({ lambda: 0 }),
      /EwmaChart option lambda must be a number > 0 and <= 1, got 0/,
    ],
    ['period', () => new SeasonalZScore({ period: 1 }), /period must be an integer >= 2/],
    ['no options', () => new SeasonalZScore(undefined as never), /needs a period/],
    ['window', () => new RobustZScore({ window: 2.5 }), /window must be an integer >= 3/],
  ];
  test.each(errors)('%s', (_, call, message) => {
    expect(call).toThrow(StewardInputError);
    expect(call).toThrow(message);
  });
});

describe('a metric that mostly repeats one value (MAD 0)', () => {
  // A count or an accuracy of 1 that repeats: the MAD is 0, and before the mean-deviation fallback every other
  // value was an anomaly forever (anomalies never enter the scale that should absorb them).
  const series = Array.from({ length: 60 }, (_, i) => (i % 7 === 3 ? 6 : i % 11 === 5 ? 4 : 5));

  test('RobustZScore: ordinary wobble is no anomaly, a jump is', () => {
    const detector = new RobustZScore();
    const flagged = series.map((x) => detector.update(x)).filter((p) => p.anomaly);
    expect(flagged).toEqual([]);
    expect(detector.update(20).anomaly).toBe(true);
  });

  test('SeasonalZScore: the same on residuals', () => {
    const detector = new SeasonalZScore({ period: 6 });
    const flagged = series.map((x) => detector.update(x)).filter((p) => p.anomaly);
    expect(flagged).toEqual([]);
    expect(detector.update(20).anomaly).toBe(true);
  });
});

describe('anomaly method registry', () => {
  test('a method by name, its options checked; a saved state restores whatever its method', () => {
    const robust = createAnomalyDetector('robust', { window: 10 });
    for (const x of [1, 2, 1, 2, 1, 2, 1, 2, 1, 2]) robust.update(x);
    const restored = restoreAnomalyDetector(JSON.parse(JSON.stringify(robust.toJSON())));
    expect(restored.update(9)).toEqual(robust.update(9));
    expect(() => createAnomalyDetector('robust', { windw: 10 })).toThrow(
      /robust has no option 'windw': its options are window, threshold, minValues/,
    );
    expect(() => createAnomalyDetector('prophet')).toThrow(
      /unknown anomaly method 'prophet': expected one of robust, ewma, seasonal/,
    );
    expect(createAnomalyDetector('seasonal').toJSON().options).toMatchObject({ period: 24 });
  });
});
