export * from './common.js';
export * as requests from './requests.js';
export * as responses from './responses.js';
export type * from './types.js';
