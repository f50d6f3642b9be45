import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANOMALY_METHOD_NAMES, DETECTOR_KINDS, LEARNER_KINDS } from '@steward/core';
import { describe, expect, test } from 'vitest';

// Learners, drift detectors and anomaly methods are described once, in @steward/core's registries: the server, the dashboard and the
// client read names from there, so adding a learner is its file and one registry line.
const packages = new URL('../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const files = ['server/src', 'web/src', 'client/src'].flatMap((dir) => sources(join(packages, dir)));

describe('learner and detector names are written once', () => {
  test('there are files to check', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  test.each([...LEARNER_KINDS, ...DETECTOR_KINDS, ...ANOMALY_METHOD_NAMES])(
    '%s is no string literal outside core',
    (name) => {
      const literal = new RegExp(`(['"\`])${name}\\1`);
      const found = files.filter((file) => literal.test(readFileSync(file, 'utf8')));
      expect(found.map((f) => f.slice(packages.length))).toEqual([]);
    },
  );

  test('the update loop has no `as unknown as`', () => {
    const found = files.filter(
      (f) => f.includes('/server/src/update/') && /as unknown as/.test(readFileSync(f, 'utf8')),
    );
    expect(found).toEqual([]);
  });
});
