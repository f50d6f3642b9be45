// Core is compiled against ES2022's library alone (it runs in browsers and Node): the little of WebAssembly and
// atob its kernels use, declared here. Both exist in every browser and in Node; WebAssembly can be switched off.
declare const WebAssembly:
  | {
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports?: object) => { exports: unknown };
      Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
    }
  | undefined;
declare function atob(base64: string): string;

export interface WasmMemory {
  buffer: ArrayBuffer;
}

/**
 * Compiles an embedded module (base64, as `npm run kernels` writes it); null where WebAssembly is unavailable (V8's
 * --jitless, say) or lacks what the module uses (SIMD, shared memory): callers then run their JavaScript paths.
 */
export function compileWasm(base64: string): object | null {
  if (typeof WebAssembly !== 'object' || WebAssembly === undefined) return null;
  try {
    return new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

/** Instantiates a module from `compileWasm` (which returned it, so WebAssembly is there). */
export function instantiateWasm(module: object, imports?: object): unknown {
  return new (WebAssembly as NonNullable<typeof WebAssembly>).Instance(module, imports).exports;
}

/** A memory of `pages` 64 KiB pages, shared between threads if `shared`. */
export function wasmMemory(pages: number, shared: boolean): WasmMemory {
  const { Memory } = WebAssembly as NonNullable<typeof WebAssembly>;
  return new Memory(shared ? { initial: pages, maximum: pages, shared } : { initial: pages });
}
