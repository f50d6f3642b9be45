export { QuantileSketch, type QuantileSketchJSON, type QuantileSketchOptions } from './quantile-sketch.js';
