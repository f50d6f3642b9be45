import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

// The server's layers, lowest first: spec/ (what users declare and the records every layer passes);
// window-state/ (what a window keeps, and metrics from it); store/; registry/ (versions, artifacts, loading them);
// monitor/; serve/ and update/ (neither imports the other); http/, cli/ and backtest/ on top.
const src = new URL('./', import.meta.url).pathname;

/** Which folders each folder's non-test files may import from. */
const allowed: Record<string, string[]> = {
  spec: ['spec'],
  'window-state': ['window-state', 'spec'],
  store: ['store', 'window-state', 'spec', 'time'],
  registry: ['registry', 'store', 'spec', 'time'],
  serve: ['serve', 'registry', 'monitor', 'store', 'window-state', 'spec', 'time'],
};

function imports(folder: string): Array<{ file: string; target: string }> {
  const dir = join(src, folder);
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name))
    .flatMap((e) => {
      const file = join(e.parentPath, e.name);
      return [...readFileSync(file, 'utf8').matchAll(/from '(\.\.?\/[^']+)'/g)].map((m) => ({
        file: file.slice(src.length),
        target: join(e.parentPath, m[1] as string).slice(src.length),
      }));
    });
}

describe('layers', () => {
  test.each(Object.entries(allowed))('%s imports only from %j', (folder, may) => {
    const found = imports(folder);
    expect(found.length).toBeGreaterThan(0);
    const outside = found.filter(({ target }) => !may.includes(target.split('/')[0] as string));
    expect(outside).toEqual([]);
  });

  test('update does not import serve', () => {
    expect(imports('update').filter(({ target }) => target.startsWith('serve/'))).toEqual([]);
  });
});
