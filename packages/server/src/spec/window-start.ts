/** The start of the tumbling window of `windowMs` that holds `time` (windows start at multiples of their length). */
export function windowStart(time: number, windowMs: number): number {
  return Math.floor(time / windowMs) * windowMs;
}
