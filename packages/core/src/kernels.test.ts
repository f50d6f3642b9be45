import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { kernels, moduleText } from '../../../scripts/build-kernels.js';
import { DETECTOR_KERNELS_WASM } from './detectors/kernels/detectors-wasm.js';
import { TREE_KERNELS_SHARED_WASM, TREE_KERNELS_WASM } from './learn/kernels/tree-wasm.js';

describe('the committed WebAssembly kernels', () => {
  test.each(kernels.map((k) => [k.source.pathname.split('/').pop(), k] as const))(
    'are what %s assembles to (run `npm run kernels` after editing it)',
    async (_, { source, module, variants }) => {
      expect(readFileSync(module, 'utf8')).toBe(await moduleText(source, variants));
    },
  );
});

test('each module stays within the 4 KB that Chrome compiles synchronously on the main thread of a page', () => {
  // Past it, `new WebAssembly.Module` throws there, and the detectors would fall back to their slow path.
  for (const base64 of [DETECTOR_KERNELS_WASM, TREE_KERNELS_WASM, TREE_KERNELS_SHARED_WASM]) {
    expect(Buffer.from(base64, 'base64').length).toBeLessThanOrEqual(4096);
  }
});
