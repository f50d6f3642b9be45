export * from './detectors/index.js';
export * from './drift/index.js';
export { StewardInputError } from './errors.js';
export * from './learn/index.js';
export * from './metrics/index.js';
export * from './sketch/index.js';
export * from './stats/index.js';
export * from './streams/index.js';
export * from './tune/index.js';
