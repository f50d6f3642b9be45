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
