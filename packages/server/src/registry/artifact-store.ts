import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { StoreConnection } from '../store/open-store.js';

/**
 * Content-addressed files: an artifact lives at `<dir>/sha256/<first two hex>/<hash>`, written to a temporary
 * name, fsynced and renamed, so a reader never sees half a file and the same bytes are stored once.
 */
export class ArtifactStore {
  constructor(readonly dir: string) {}

  put(bytes: Uint8Array): { sha256: string; size: number } {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = this.path(sha256);
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      const fd = openSync(temporary, 'w');
      try {
        writeSync(fd, bytes);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, path);
      const dirFd = openSync(dirname(path), 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    }
    return { sha256, size: bytes.byteLength };
  }

  /** The artifact's bytes, checked against their hash (a damaged file is an error, not a wrong model). */
  get(sha256: string): Buffer {
    const bytes = readFileSync(this.path(sha256));
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256)
      throw new Error(`artifact ${sha256} is damaged on disk (its content hashes to ${actual})`);
    return bytes;
  }

  path(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(this.dir, 'sha256', sha256.slice(0, 2), sha256);
  }
}

/** `STEWARD_ARTIFACTS`, else `artifacts/` beside a SQLite file, else `./.steward/artifacts`. */
export function defaultArtifactDir(store: StoreConnection, env: NodeJS.ProcessEnv = process.env): string {
  if (env.STEWARD_ARTIFACTS) return resolve(env.STEWARD_ARTIFACTS);
  if (store.dialect === 'sqlite' && store.location !== ':memory:')
    return join(dirname(resolve(store.location)), 'artifacts');
  return resolve('.steward', 'artifacts');
}
