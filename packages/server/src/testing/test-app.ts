import { tempFile } from '../cli/test-helpers.js';
import { type AppOptions, createApp, type StewardApp } from '../http/app.js';
import type { StoreConnection } from '../store/open-store.js';

/** The API on a test store, with its own artifact folder and notifications kept quiet. */
export function testApp(store: StoreConnection, options: Partial<AppOptions> = {}): Promise<StewardApp> {
  return createApp({
    store,
    artifactDir: tempFile('a', '').replace(/a$/, 'artifacts'),
    notifier: { log: () => {} },
    ...options,
  });
}

/** Registers a fitted Steward model as the model's next version through the API (the octet-stream upload). */
export function uploadModel(steward: StewardApp, model: string, fitted: { toJSON(): unknown }) {
  return steward.app.inject({
    method: 'POST',
    url: `/api/v1/models/${model}/versions`,
    headers: { 'content-type': 'application/octet-stream' },
    payload: Buffer.from(JSON.stringify(fitted.toJSON())),
  });
}
