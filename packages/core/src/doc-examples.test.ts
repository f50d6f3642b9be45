import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import * as core from './index.js';

// The documentation's examples are run and their printed results checked, so they cannot drift from the code:
// every one-line `@example expression; // result` (metrics, stats, drift, estimation), and every fenced `@example` block of the
// learners, detectors and calibrators (River's habit), whose lines ending in `// result` are checked.

function files(folder: string): string[] {
  const dir = new URL(`./${folder}/`, import.meta.url);
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? entry.name === 'fixtures' || entry.name === 'kernels'
        ? []
        : files(`${folder}/${entry.name}`)
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')
        ? [`${folder}/${entry.name}`]
        : [],
  );
}

const read = (file: string) => readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');

const oneLiners = ['metrics', 'stats', 'drift', 'estimation', 'learn/text'].flatMap(files).flatMap((file) =>
  [...read(file).matchAll(/@example (.+); \/\/ (.+)$/gm)].map((m) => ({
    file,
    call: m[1] as string,
    expected: m[2] as string,
  })),
);

interface Block {
  file: string;
  /** The class the doc comment belongs to. */
  owner: string;
  code: string;
}

const classFiles = ['learn', 'detectors', 'calibration', 'estimation'].flatMap(files);

/** Each exported class's doc comment with its fenced example, if it has one. */
const blocks: Block[] = classFiles.flatMap((file) =>
  [...read(file).matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export class (\w+)/g)].flatMap((m) => {
    const example = /@example\s*\n\s*\* ```ts\n([\s\S]*?)\n\s*\* ```/.exec(m[1] as string);
    if (!example) return [];
    const code = (example[1] as string)
      .split('\n')
      .map((line) => line.replace(/^\s*\* ?/, ''))
      .join('\n');
    return [{ file, owner: m[2] as string, code }];
  }),
);

/** The block as a function body: statements run, `expr; // result` lines become checks. */
function runnable(code: string): { body: string; expected: unknown[] } {
  const expected: unknown[] = [];
  const body = code
    .split('\n')
    .map((line) => {
      const check = /^(.+); \/\/ (.+)$/.exec(line);
      if (!check) return line;
      expected.push(JSON.parse(check[2] as string));
      return `__results.push(${check[1]});`;
    })
    .join('\n');
  return { body, expected };
}

describe('documentation examples', () => {
  test('there are examples to check', () => {
    expect(oneLiners.length).toBeGreaterThanOrEqual(30);
  });
  test.each(oneLiners)('$file: $call', ({ call, expected }) => {
    const run = new Function(...Object.keys(core), `return ${call};`);
    const actual = run(...Object.values(core));
    expect(actual).toStrictEqual(JSON.parse(expected));
  });

  test('every public learner and detector has an example', () => {
    const internal = new Set([
      'HistogramTreeGrower',
      'StateDetector',
      'PythonRandom',
      'MoreThuenteSearch',
      'CountNaiveBayes',
      // A pipeline's text column (Pipeline's example shows it in use).
      'TextColumn',
    ]);
    const exported = classFiles.flatMap((file) =>
      [...read(file).matchAll(/^export (?:abstract )?class (\w+)/gm)].map((m) => m[1] as string),
    );
    const documented = new Set(blocks.map((b) => b.owner));
    expect(exported.filter((name) => !internal.has(name) && !documented.has(name))).toEqual([]);
  });

  test.each(blocks)('$owner ($file)', ({ code }) => {
    const { body, expected } = runnable(code);
    expect(expected.length, 'an example prints at least one result').toBeGreaterThan(0);
    const results: unknown[] = [];
    new Function('__results', ...Object.keys(core), body)(results, ...Object.values(core));
    expect(results).toStrictEqual(expected);
  });
});
