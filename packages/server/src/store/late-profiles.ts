/**
 * Rows for a window older than the newest one a shard has written (held-up rows, late in arriving) go to a side
 * profile of that window, `SHARD~late`, that readers merge like any shard. Writing a window's profile costs its
 * size, not the rows added: a batch whose tenth row falls in some window of the last two days rewrote that whole
 * window, and a group of batches rewrote every window of the two days (most of a busy writer's time). A side profile
 * holds few rows and writes small; it is folded into the window's own profile once it holds LATE_FOLD_MIN rows and
 * LATE_FOLD_SHARE of it.
 */
export const LATE_SUFFIX = '~late';
const LATE_FOLD_SHARE = 1 / 8;
const LATE_FOLD_MIN = 64;

/** The side shard of `shard`. */
export const lateShard = (shard: string) => `${shard}${LATE_SUFFIX}`;

/** Whether a side profile of `lateRows` rows is folded into its window's own profile of `ownRows`. */
export const foldsLate = (lateRows: number, ownRows: number) =>
  lateRows >= Math.max(LATE_FOLD_MIN, ownRows * LATE_FOLD_SHARE);
