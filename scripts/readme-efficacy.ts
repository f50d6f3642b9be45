// Writes the README's efficacy tables from bench/results/efficacy.json (between the `<!-- efficacy:NAME -->` and
// `<!-- /efficacy:NAME -->` markers), so the figures there are always the last run's. A test checks they agree.
import { readFileSync, writeFileSync } from 'node:fs';
import { efficacySection, readEfficacy } from './efficacy-section.js';

const readme = new URL('../README.md', import.meta.url);
let text = readFileSync(readme, 'utf8');
for (const stream of readEfficacy().streams) {
  const open = `<!-- efficacy:${stream.stream} -->`;
  const close = `<!-- /efficacy:${stream.stream} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`README.md has no ${open} … ${close} section`);
  text = `${text.slice(0, start + open.length)}\n${efficacySection(stream)}${text.slice(end)}`;
}
writeFileSync(readme, text);
