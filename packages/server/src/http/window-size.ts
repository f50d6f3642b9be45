import type { LoadedModel } from '../monitor/model-catalog.js';
import type { ApiContext } from './context.js';
import { durationParam, intParam, timeRange } from './time-param.js';

/**
 * A metrics-like query's range and window length: `size` as given, else the length that fits the range into
 * `maxWindows`, else the model's own (undefined).
 */
export async function windowRange(
  context: ApiContext,
  model: LoadedModel,
  query: { from?: string; to?: string; size?: string; maxWindows?: string },
): Promise<{ from: number; to: number; size?: number }> {
  const { from, to } = timeRange(query, context.clock.now());
  const maxWindows = intParam('maxWindows', query.maxWindows);
  const size =
    durationParam('size', query.size) ??
    (maxWindows !== undefined
      ? await windowSizeForAtMost(context, model, { from, to }, maxWindows)
      : undefined);
  return { from, to, ...(size ? { size } : {}) };
}

/**
 * The smallest multiple of the model's window with which at most `maxWindows` windows cover the stored predictions
 * in the range (read from the batches' time bounds: no row is read), so a long history comes back whole in at most
 * that many merged windows.
 */
export async function windowSizeForAtMost(
  context: ApiContext,
  model: LoadedModel,
  range: { from: number; to: number },
  maxWindows: number,
): Promise<number> {
  const window = model.spec.window;
  const extent = await context.store.db
    .selectFrom('prediction_batches')
    .select((eb) => [eb.fn.min('min_time').as('first'), eb.fn.max('max_time').as('last')])
    .where('model', '=', model.spec.name)
    .where('max_time', '>=', range.from)
    .where('min_time', '<', range.to)
    .executeTakeFirst();
  if (extent?.first == null || extent.last == null) return window;
  const first = Math.max(range.from, Number(extent.first));
  const last = Math.min(range.to - 1, Number(extent.last));
  const windows = Math.floor(last / window) - Math.floor(first / window) + 1;
  // One window fewer than allowed: windows align to multiples of their length, which can add one.
  return window * Math.max(1, Math.ceil(windows / Math.max(1, maxWindows - 1)));
}
