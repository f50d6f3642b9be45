import { covariateShiftRegressionStream, DirectLossEstimator, LinearRegression } from '@steward/core';
import { describe, expect, it } from 'vitest';
import { lossModels } from './loss-model-worker.js';

describe('the loss-model worker thread', () => {
  const stream = covariateShiftRegressionStream({ n: 4000, seed: 2 });
  const model = new LinearRegression().fit(stream.X.slice(0, 1000), stream.y.slice(0, 1000));
  const reference = stream.X.slice(1000, 3000);
  const window = stream.X.slice(3000);
  const predicted = (X: number[][]) => Array.from(model.predict(X));

  it('fits and estimates as DirectLossEstimator does in the same thread, to the bit', async () => {
    await lossModels.fit('a', reference, predicted(reference), stream.y.slice(1000, 3000));
    const here = new DirectLossEstimator().fit(reference, predicted(reference), stream.y.slice(1000, 3000));
    expect(await lossModels.estimate('a', window, predicted(window))).toEqual(
      here.estimate(window, predicted(window)),
    );
    await expect(lossModels.estimate('never fitted', window, predicted(window))).rejects.toThrow(
      /no loss models fitted under never fitted/,
    );
  });

  it('loses its models when it stops, says so, and starts again on the next call', async () => {
    await lossModels.fit('b', reference, predicted(reference), stream.y.slice(1000, 3000));
    expect(lossModels.fitted.has('b')).toBe(true);
    await lossModels.terminate();
    expect(lossModels.fitted.has('b')).toBe(false);
    await expect(lossModels.estimate('b', window, predicted(window))).rejects.toThrow(
      /no loss models fitted under b/,
    );
    await lossModels.fit('b', reference, predicted(reference), stream.y.slice(1000, 3000));
    expect((await lossModels.estimate('b', window, predicted(window))).rows).toBe(window.length);
  });
});
