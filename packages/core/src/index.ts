export { StewardInputError } from './errors.js';
export * from './metrics/index.js';
