import { compileWasm, instantiateWasm, type WasmMemory } from '../wasm.js';
import { checkBatch, checkNumbers, type DetectorEvents, type DriftDetector, updateEach } from './detector.js';
import { DETECTOR_KERNELS_WASM } from './kernels/detectors-wasm.js';

/** The WebAssembly loops of `updateMany` (kernels/detectors.wat). */
export type KernelName = 'ddm' | 'pageHinkley' | 'eddm' | 'hddmA';

/** What a kernel run leaves: the state slots after the last value, the events by position, the invalid sum. */
export interface KernelRun {
  state: number[];
  drifts: number[];
  warnings: number[];
  /** Not 0 when a value of a binary stream is neither 0 nor 1 (NaN included); PageHinkley leaves it 0. */
  invalid: number;
  /** Whether the batch's last value signalled drift (the detector then resets at its next value). */
  driftAtEnd: boolean;
}

type Kernel = (start: number, end: number) => number;

interface Kernels {
  memory: WasmMemory;
  run: Record<KernelName, Kernel>;
}

// Memory layout shared with detectors.wat: f64 slots.
const EVENT = 0;
const INVALID = 1;
const STATE = 2;
const PARAMS = 16;
/** The constant 1, which kernels load from memory: as a literal, V8 rebuilds it in a register at every use. */
const ONE = 24;
const VALUES = 128;
/** Values copied in per call: 64 KiB, which stays in the first-level caches while the kernel reads it. */
const CHUNK = 8192;
const DRIFT_EVENT = 1;
const WARNING_EVENT = 2;

let kernels: Kernels | null | undefined;
let enabled = true;

/**
 * Compiled once per thread, on first use; null where WebAssembly is unavailable (V8's --jitless, say) or lacks
 * what the kernels use (fixed-width SIMD: every current browser and Node has it). The detectors then run update()
 * value by value: slower, the same results.
 */
function load(): Kernels | null {
  if (kernels !== undefined) return kernels;
  const module = compileWasm(DETECTOR_KERNELS_WASM);
  if (module === null) {
    kernels = null;
    return kernels;
  }
  const exports = instantiateWasm(module) as Record<KernelName, Kernel> & Pick<Kernels, 'memory'>;
  kernels = {
    memory: exports.memory,
    run: { ddm: exports.ddm, pageHinkley: exports.pageHinkley, eddm: exports.eddm, hddmA: exports.hddmA },
  };
  return kernels;
}

/** Tests turn the kernels off to exercise the plain-JavaScript path that runs without WebAssembly. */
export function setKernelsEnabled(on: boolean): void {
  enabled = on;
}

function kernelsAvailable(): boolean {
  return enabled && load() !== null;
}

/**
 * The start of `updateMany` in the detectors with a kernel: checks what the batch holds, and answers it without the
 * kernel when it is empty or the kernels cannot run (then update() value by value, after the whole batch is
 * checked, so a bad value changes nothing). Undefined: run the kernel.
 */
export function withoutKernel(
  detector: DriftDetector,
  kind: string,
  values: ArrayLike<number>,
  binary: boolean,
): DetectorEvents | undefined {
  checkNumbers(kind, values, binary);
  if (values.length === 0) return { drifts: [], warnings: [] };
  if (kernelsAvailable()) return undefined;
  checkBatch(kind, values, binary);
  return updateEach(detector, values);
}

/**
 * Runs a detector's kernel over a batch: `state` is its state slots before the first value (already reset if a
 * drift was pending), `reset` the slots it restarts from after a drift inside the batch. The batch goes in through
 * a small buffer, so a batch of any length needs no more memory. Nothing of the caller's is written: the caller
 * checks `invalid` and only then takes the state.
 */
export function runKernel(
  name: KernelName,
  values: ArrayLike<number>,
  state: readonly number[],
  params: readonly number[],
  reset: readonly number[],
): KernelRun {
  const loaded = load();
  if (loaded === null) throw new Error('WebAssembly is not available: check withoutKernel() first');
  const kernel = loaded.run[name];
  const slots = new Float64Array(loaded.memory.buffer, 0, VALUES);
  const buffer = new Float64Array(loaded.memory.buffer, VALUES * 8, CHUNK);
  slots.fill(0);
  slots[ONE] = 1;
  slots.set(state, STATE);
  slots.set(params, PARAMS);
  const drifts: number[] = [];
  const warnings: number[] = [];
  const length = values.length;
  let driftAtEnd = false;
  for (let offset = 0; offset < length; offset += CHUNK) {
    const size = Math.min(CHUNK, length - offset);
    copyChunk(values, offset, size, buffer);
    let next = 0;
    while (next < size) {
      next = kernel(next, size);
      const event = slots[EVENT] as number;
      if (event === 0) continue;
      slots[EVENT] = 0;
      const at = offset + next - 1;
      if (event & WARNING_EVENT) warnings.push(at);
      if (event & DRIFT_EVENT) {
        drifts.push(at);
        // update() resets at the value after a drift: done here unless the batch ends with it.
        if (at === length - 1) driftAtEnd = true;
        else slots.set(reset, STATE);
      }
    }
  }
  return {
    state: Array.from(slots.subarray(STATE, STATE + state.length)),
    drifts,
    warnings,
    invalid: slots[INVALID] as number,
    driftAtEnd,
  };
}

function copyChunk(values: ArrayLike<number>, offset: number, size: number, into: Float64Array): void {
  if (values instanceof Float64Array) {
    into.set(values.subarray(offset, offset + size));
    return;
  }
  for (let i = 0; i < size; i++) into[i] = values[offset + i] as number;
}
