export { StewardApiError } from './api-error.js';
export { StewardClient, type StewardClientOptions } from './client.js';
export { type LoggerStats, PredictionLogger, type PredictionLoggerOptions } from './prediction-logger.js';
export type * from './types.js';

export const VERSION = '0.1.0';
