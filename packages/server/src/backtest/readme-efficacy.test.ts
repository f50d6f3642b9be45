import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { efficacySection, readEfficacy } from '../../../../scripts/efficacy-section.js';

const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');

describe('the README shows what bench/efficacy measured last', () => {
  const { streams } = readEfficacy();

  it('covers at least three real streams', () => {
    expect(streams.map((s) => s.stream)).toEqual(
      expect.arrayContaining(['elec2', 'flights', 'seattle-weather']),
    );
  });

  for (const stream of streams) {
    it(`${stream.stream}: the table between its markers is bench/results/efficacy.json's`, () => {
      const open = `<!-- efficacy:${stream.stream} -->\n`;
      const start = readme.indexOf(open);
      const end = readme.indexOf(`<!-- /efficacy:${stream.stream} -->`);
      expect(
        start,
        `README.md needs the ${open.trim()} section (npm run bench:efficacy writes it)`,
      ).toBeGreaterThan(0);
      expect(readme.slice(start + open.length, end)).toBe(efficacySection(stream));
    });
  }
});
