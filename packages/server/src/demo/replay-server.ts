import { rmSync } from 'node:fs';
import { StewardClient } from '@steward/client';
import { createApp, type StewardApp } from '../http/app.js';
import { openStore, type StoreConnection } from '../store/open-store.js';

export interface ReplayServer {
  app: StewardApp;
  client: StewardClient;
  store: StoreConnection;
  url: string;
  close(): Promise<void>;
}

/**
 * A Steward server for a replay: a fresh SQLite store at `db` (its old file and artifacts removed first, or
 * `:memory:`), listening on loopback. Its scheduler and worker do not run on their own: the replay drives them on
 * its simulated clock.
 */
export async function startReplayServer(options: {
  db: string;
  artifactDir: string;
  port?: number;
  log?: (line: string) => void;
}): Promise<ReplayServer> {
  if (options.db !== ':memory:')
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${options.db}${suffix}`, { force: true });
  rmSync(options.artifactDir, { recursive: true, force: true });
  const store = await openStore({ url: options.db });
  const app = await createApp({
    store,
    artifactDir: options.artifactDir,
    notifier: { log: options.log ?? (() => {}) },
  });
  let url: string;
  try {
    url = await app.app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  } catch (error) {
    await store.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'EADDRINUSE'
        ? `port ${options.port} is in use: pass --port with a free port (or 0 for any)`
        : (error as Error).message,
    );
  }
  return {
    app,
    client: new StewardClient({ url }),
    store,
    url,
    close: async () => {
      await app.app.close();
      await store.close();
    },
  };
}
