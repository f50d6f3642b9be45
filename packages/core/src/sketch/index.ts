export { HeavyHitters, type HeavyHittersJSON } from './heavy-hitters.js';
export { QuantileSketch, type QuantileSketchJSON, type QuantileSketchOptions } from './quantile-sketch.js';
