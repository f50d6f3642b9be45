import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { kernels, moduleText } from '../../../scripts/build-kernels.js';

describe('the committed WebAssembly kernels', () => {
  test.each(kernels.map((k) => [k.source.pathname.split('/').pop(), k] as const))(
    'are what %s assembles to (run `npm run kernels` after editing it)',
    async (_, { source, module, variants }) => {
      expect(readFileSync(module, 'utf8')).toBe(await moduleText(source, variants));
    },
  );
});
