import { WindowLabels, type WindowLabelsJSON } from './window-labels.js';

/** One label batch's change to a shard's states: for each window it touched, the entries it added or took out. */
export interface LabelDeltaJSON {
  version: 1;
  windows: Array<[start: number, entries: WindowLabelsJSON['entries']]>;
}

/** The change of each window (by start) as stored in a delta row. */
export function encodeLabelDelta(deltas: ReadonlyMap<number, WindowLabels>): string {
  const json: LabelDeltaJSON = {
    version: 1,
    windows: [...deltas].map(([start, delta]) => [start, delta.toJSON().entries]),
  };
  return JSON.stringify(json);
}

/** The change of each window in a delta row; with `keep`, only of the windows it keeps (the others are not built). */
export function decodeLabelDelta(text: string, keep?: (start: number) => boolean): Map<number, WindowLabels> {
  const json = JSON.parse(text) as LabelDeltaJSON;
  if (json?.version !== 1 || !Array.isArray(json.windows))
    throw new Error('not a window labels delta (expected version 1 and windows)');
  const windows = new Map<number, WindowLabels>();
  for (const [start, entries] of json.windows)
    if (!keep || keep(start)) windows.set(start, WindowLabels.fromJSON({ version: 1, entries }));
  return windows;
}
