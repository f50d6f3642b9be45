import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { StewardInputError } from '../errors.js';
import { seededRandom } from '../stats/random.js';
import {
  ADWIN,
  DDM,
  type DriftDetector,
  EDDM,
  HDDM_A,
  HDDM_W,
  KSWIN,
  PageHinkley,
  restoreDetector,
} from './index.js';
import { setKernelsEnabled } from './kernel.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/river-examples.json', import.meta.url), 'utf8'));
const binary = fixture.binaryStream as number[];
const shift = fixture.shiftStream as number[];

const cases: [string, () => DriftDetector, number[]][] = [
  ['DDM', () => new DDM(), binary],
  ['EDDM', () => new EDDM({ alpha: 0.8, beta: 0.75 }), binary],
  ['HDDM_A', () => new HDDM_A({ twoSidedTest: true }), binary],
  ['HDDM_W', () => new HDDM_W({ twoSidedTest: true }), binary],
  ['ADWIN', () => new ADWIN(), shift],
  ['PageHinkley', () => new PageHinkley(), shift],
  ['KSWIN', () => new KSWIN({ alpha: 0.0001, seed: 42 }), shift],
];

const run = (d: DriftDetector, stream: number[]) => stream.map((x) => ({ ...d.update(x) }));

describe('a detector saved with toJSON and restored continues exactly where it stopped', () => {
  test.each(cases)('%s', (_, make, stream) => {
    const whole = run(make(), stream);
    for (const cut of [1, 500, 1010, 1500]) {
      const first = make();
      const before = run(first, stream.slice(0, cut));
      // Through text, as a restart would: JSON.stringify must keep everything (no Infinity, no typed arrays lost).
      const restored = restoreDetector(JSON.parse(JSON.stringify(first)));
      expect(restored.constructor).toBe(first.constructor);
      const after = run(restored, stream.slice(cut));
      expect([...before, ...after]).toEqual(whole);
    }
  });
});

describe('reset and what follows a drift', () => {
  test.each(cases)(
    '%s: reset() forgets the stream; the value after a drift starts a new window',
    (_, make, stream) => {
      const d = make();
      const firstDrift = run(d, stream).findIndex((r) => r.drift);
      expect(firstDrift).toBeGreaterThan(0);
      d.reset();
      expect([d.driftDetected, d.warningDetected]).toEqual([false, false]);
      expect(run(d, stream)).toEqual(run(make(), stream));
      // After a drift the detector restarts by itself: the next value gives what a fresh detector gives.
      const e = make();
      run(e, stream.slice(0, firstDrift + 1));
      expect(e.driftDetected).toBe(true);
      expect({ ...e.update(stream[firstDrift + 1] as number) }).toEqual({
        ...make().update(stream[firstDrift + 1] as number),
      });
    },
  );

  test('ADWIN shrinks its window to the new concept and estimates its mean', () => {
    const adwin = new ADWIN();
    const widths: number[] = [];
    for (const x of shift) {
      adwin.update(x);
      if (adwin.driftDetected) widths.push(adwin.width);
    }
    // The first cut drops most of the 1000 old values; the window ends on the new concept, mean 5.5.
    expect(widths[0]).toBeLessThan(1024);
    expect(adwin.estimation).toBeGreaterThan(5);
    expect(adwin.estimation).toBeLessThan(6);
  });
});

describe('bad input gets a clear error', () => {
  const errors: [string, () => unknown, RegExp][] = [
    [
      'DDM takes 0 or 1',
      () => new DDM().update(0.5),
      /DDM.update takes 0 \(correct\) or 1 \(error\), got 0.5/,
    ],
    ['HDDM_W takes 0 or 1', () => new HDDM_W().update(2), /takes 0 \(correct\) or 1/],
    [
      'ADWIN takes numbers',
      () => new ADWIN().update(Number.NaN),
      /ADWIN.update takes a finite number, got NaN/,
    ],
    ['PageHinkley takes numbers', () => new PageHinkley().update('3' as never), /takes a finite number/],
    [
      'EDDM alpha >= beta',
      () => new EDDM({ alpha: 0.5, beta: 0.9 }),
      /alpha must be greater than or equal to beta/,
    ],
    [
      'KSWIN sizes',
      () => new KSWIN({ windowSize: 10, statSize: 10 }),
      /statSize must be a positive integer smaller/,
    ],
    ['ADWIN delta', () => new ADWIN({ delta: 2 }), /ADWIN option delta must be a number > 0 and < 1, got 2/],
    [
      'PageHinkley mode',
      () => new PageHinkley({ mode: 'sideways' as never }),
      /PageHinkley option mode must be one of 'up', 'down', 'both', got 'sideways'/,
    ],
    [
      'restore the wrong kind',
      () => DDM.fromJSON(new ADWIN().toJSON()),
      /cannot restore a DDM from a saved 'ADWIN'/,
    ],
    [
      'restore garbage',
      () => restoreDetector({ kind: 'Magic', options: {}, state: {} }),
      /unknown detector 'Magic': expected one of ADWIN, DDM/,
    ],
  ];
  test.each(errors)('%s', (_, call, message) => {
    expect(call).toThrow(StewardInputError);
    expect(call).toThrow(message);
  });

  test('a rejected value changes nothing', () => {
    const d = new DDM();
    run(d, binary.slice(0, 700));
    const saved = JSON.stringify(d);
    expect(() => d.update(7)).toThrow();
    expect(JSON.stringify(d)).toBe(saved);
  });
});

/** Drift indices and warning onsets from feeding the stream value by value, as updateMany reports them. */
function eventsOfUpdates(
  detector: DriftDetector,
  stream: readonly number[],
): { drifts: number[]; warnings: number[] } {
  const drifts: number[] = [];
  const warnings: number[] = [];
  let warning = false;
  stream.forEach((x, i) => {
    const r = detector.update(x);
    if (r.drift) drifts.push(i);
    if (r.warning && !warning) warnings.push(i);
    warning = r.warning;
  });
  return { drifts, warnings };
}

describe('updateMany equals update value by value', () => {
  const streams: [string, number[]][] = [
    ['binary', binary],
    ['shift', shift],
  ];
  test.each(cases)('%s', (_, make, stream) => {
    for (const [, other] of streams) {
      if (other !== stream) continue;
      const single = make();
      const { drifts, warnings } = eventsOfUpdates(single, stream);
      // In two batches, so the state carried between batches is exercised too.
      const batched = make();
      const first = batched.updateMany(stream.slice(0, 777));
      const second = batched.updateMany(stream.slice(777));
      expect([...first.drifts, ...second.drifts.map((i) => i + 777)]).toEqual(drifts);
      expect([...first.warnings, ...second.warnings.map((i) => i + 777)]).toEqual(warnings);
      expect(JSON.stringify(batched)).toBe(JSON.stringify(single));
    }
  });

  test.each(cases)('%s: a batch with a bad value is refused whole', (_, make, stream) => {
    const d = make();
    d.updateMany(stream.slice(0, 500));
    const saved = JSON.stringify(d);
    expect(() => d.updateMany([...stream.slice(500, 600), Number.NaN, 1])).toThrow(/values\[100\]/);
    expect(JSON.stringify(d)).toBe(saved);
  });
});

describe('PageHinkley.updateMany finds bad values after the loop', () => {
  test('±Infinity and NaN anywhere in a batch are refused by index and change nothing', () => {
    for (const bad of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
      const d = new PageHinkley();
      d.updateMany(shift.slice(0, 300));
      const saved = JSON.stringify(d);
      const batch = Float64Array.from(shift.slice(300, 900));
      batch[417] = bad;
      expect(() => d.updateMany(batch)).toThrow(/values\[417\]/);
      expect(JSON.stringify(d)).toBe(saved);
    }
  });
});

/** Long binary streams whose error rate keeps changing: abrupt jumps (even seeds), slow creeps (odd seeds). */
function changingErrorStream(seed: number, length = 200_000): number[] {
  const random = seededRandom(seed);
  const stream: number[] = [];
  let rate = 0.1;
  for (let i = 0; i < length; i++) {
    // Slow creeps keep a detector close to its warning or drift level for long stretches.
    if (seed % 2 === 0 && random() < 0.0003) rate = random() * 0.6;
    if (seed % 2 === 1) rate = 0.2 + 0.05 * Math.sin(i / 20_000);
    stream.push(random() < rate ? 1 : 0);
  }
  return stream;
}

/** A real-valued stream whose mean jumps now and then, with outliers. */
function changingMeanStream(seed: number, length = 200_000): number[] {
  const random = seededRandom(seed);
  const stream: number[] = [];
  let mean = 0;
  for (let i = 0; i < length; i++) {
    if (random() < 0.0002) mean = (random() - 0.5) * 4;
    const outlier = random() < 0.001 ? (random() - 0.5) * 200 : 0;
    stream.push(mean + (random() + random() + random() - 1.5) * 2 + outlier);
  }
  return stream;
}

// The detectors whose updateMany runs a loop of its own (DDM's in JavaScript, the others' in WebAssembly), with
// options that reach the rarer paths: both sides of HDDM_A, its largest bounds (a tiny confidence), each mode of
// PageHinkley, and a threshold low enough to drift often.
const loops: [string, () => DriftDetector, (seed: number) => number[]][] = [
  ['DDM', () => new DDM(), changingErrorStream],
  ['EDDM', () => new EDDM(), changingErrorStream],
  ['EDDM close levels', () => new EDDM({ alpha: 0.97, beta: 0.96 }), changingErrorStream],
  ['HDDM_A', () => new HDDM_A(), changingErrorStream],
  ['HDDM_A two-sided', () => new HDDM_A({ twoSidedTest: true }), changingErrorStream],
  [
    'HDDM_A tiny confidence',
    () => new HDDM_A({ driftConfidence: 1e-300, warningConfidence: 1e-200, twoSidedTest: true }),
    changingErrorStream,
  ],
  ['PageHinkley', () => new PageHinkley(), changingMeanStream],
  ['PageHinkley up, low threshold', () => new PageHinkley({ mode: 'up', threshold: 8 }), changingMeanStream],
  ['PageHinkley down', () => new PageHinkley({ mode: 'down', threshold: 20 }), changingMeanStream],
];

describe('updateMany agrees with update() value by value on long changing streams', () => {
  test.each(loops)('%s', (_, make, streamOf) => {
    let drifted = 0;
    for (let seed = 20; seed < 26; seed++) {
      const stream = streamOf(seed);
      const single = make();
      const { drifts, warnings } = eventsOfUpdates(single, stream);
      drifted += drifts.length;
      const batched = make();
      const events = batched.updateMany(Float64Array.from(stream));
      expect(events.drifts).toEqual(drifts);
      expect(events.warnings).toEqual(warnings);
      expect(JSON.stringify(batched)).toBe(JSON.stringify(single));
    }
    expect(drifted).toBeGreaterThan(5);
  });

  test.each(loops)(
    '%s: in batches that end at a drift, and in ragged batches of plain arrays',
    (_, make, streamOf) => {
      const stream = streamOf(26);
      const single = make();
      const { drifts } = eventsOfUpdates(single, stream);
      expect(drifts.length).toBeGreaterThan(0);
      // Cut after every drift: each batch but the last ends with a drift still to be reset.
      const cuts = [...drifts.map((i) => i + 1), stream.length];
      const atDrifts = make();
      let from = 0;
      for (const cut of cuts) {
        const events = atDrifts.updateMany(Float64Array.from(stream.slice(from, cut)));
        expect(events.drifts.map((i) => i + from)).toEqual(drifts.filter((i) => i >= from && i < cut));
        if (cut < stream.length) expect(atDrifts.driftDetected).toBe(true);
        from = cut;
      }
      expect(JSON.stringify(atDrifts)).toBe(JSON.stringify(single));
      const ragged = make();
      const random = seededRandom(5);
      for (from = 0; from < stream.length; ) {
        const cut = Math.min(stream.length, from + Math.floor(random() * 20_000));
        ragged.updateMany(stream.slice(from, cut));
        from = cut;
      }
      expect(JSON.stringify(ragged)).toBe(JSON.stringify(single));
    },
  );
});

describe('without WebAssembly, updateMany falls back to update() value by value', () => {
  test.each(loops)('%s', (_, make, streamOf) => {
    const stream = streamOf(28).slice(0, 30_000);
    const single = make();
    const expected = eventsOfUpdates(single, stream);
    setKernelsEnabled(false);
    try {
      const batched = make();
      expect(batched.updateMany(stream)).toEqual(expected);
      expect(JSON.stringify(batched)).toBe(JSON.stringify(single));
      const saved = JSON.stringify(batched);
      expect(() => batched.updateMany([...stream.slice(0, 100), Number.NaN])).toThrow(/values\[100\]/);
      expect(JSON.stringify(batched)).toBe(saved);
    } finally {
      setKernelsEnabled(true);
    }
  });
});
