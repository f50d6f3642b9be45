import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import * as metrics from './index.js';

// Every one-line `@example call; // result` in this folder's doc comments is run and its result checked,
// so the documentation cannot drift from the code.
const dir = new URL('./', import.meta.url);
const examples = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .flatMap((file) =>
    [...readFileSync(new URL(file, dir), 'utf8').matchAll(/@example (\w+\(.*\)); \/\/ (.+)$/gm)].map((m) => ({
      file,
      call: m[1],
      expected: m[2],
    })),
  );

describe('documentation examples', () => {
  test('there are examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(18);
  });
  test.each(examples)('$file: $call', ({ call, expected }) => {
    const run = new Function(...Object.keys(metrics), `return ${call};`);
    const actual = run(...Object.values(metrics));
    expect(actual).toStrictEqual(JSON.parse(expected));
  });
});
