import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogisticRegression, outOfVocabulary } from '@steward/core';
import { describe, expect, it } from 'vitest';
import { SPAM_STREAM_START, spamAssassin } from '../datasets/spam-assassin.js';
import { columnView } from '../http/profile-json.js';
import { ArtifactStore } from '../registry/artifact-store.js';
import { Registry } from '../registry/registry.js';
import { buildVocabulary } from '../registry/vocabulary.js';
import { testApp } from '../testing/test-app.js';
import { testStores } from '../testing/test-stores.js';
import { Ingestion } from './ingestion.js';
import { ModelCatalog } from './model-catalog.js';
import { timeWindows } from './windows.js';

const DAY = 86_400_000;
const mail = spamAssassin();
// Version 1 learnt from the spring's messages; the window is a day of summer mail.
const training = mail.filter((m) => m.time < SPAM_STREAM_START).slice(-800);
const summer = mail.filter((m) => m.time >= SPAM_STREAM_START).slice(0, 300);
const DAY_START = Date.UTC(2030, 0, 1);

describe.each(testStores())('the out-of-vocabulary share of a text column per window ($name store)', (ts) => {
  it.skipIf(ts.skip)(
    'counts the words its serving version never learnt, merged across servers, and leaves others unchecked',
    async () => {
      const store = await ts.open();
      try {
        const catalog = new ModelCatalog(store);
        const { model } = await catalog.put({
          name: 'mail',
          task: 'binary',
          window: '1d',
          labelGrace: '1d',
          features: [{ name: 'text', type: 'text' }],
          checks: [],
          notifiers: [],
        });
        const registry = new Registry(store, new ArtifactStore(mkdtempSync(join(tmpdir(), 'steward-oov-'))));
        const vocabulary = buildVocabulary(
          ['text'],
          training.map((m) => ({ text: m.text })),
        );
        // The registry keeps the words beside the version, and names them in its lineage.
        const modelFile = Buffer.from(
          JSON.stringify(new LogisticRegression().fit([[0], [1], [2], [3]], [0, 0, 1, 1]).toJSON()),
        );
        const v1 = await registry.register('mail', modelFile, { vocabulary, actor: 'test' });
        const source = (model: string, version: number) => registry.vocabulary(model, version);
        // Two server processes each ingest half the day: two thirds served by version 1, the rest by an uploaded
        // version 2 with no words on record, or with no version named.
        const rows = summer.map((m, i) => ({
          id: `m${i}`,
          time: DAY_START + i * 60_000,
          version: i % 3 === 2 ? (i % 2 ? '2' : undefined) : '1',
          features: { text: m.text },
          output: 0,
        }));
        const servers = [
          new Ingestion(store, 'a', undefined, source),
          new Ingestion(store, 'b', undefined, source),
        ];
        for (let s = 0; s < 2; s++) {
          const part = rows.filter((_, i) => i % 2 === s);
          for (let b = 0; b < part.length; b += 50) {
            const batch = model.validator.predictions(part.slice(b, b + 50), DAY_START + DAY);
            if (!batch.ok) throw new Error(JSON.stringify(batch.errors));
            await (servers[s] as Ingestion).predictions(model, batch.records);
          }
        }
        const [window] = await timeWindows(store, model.spec, { from: DAY_START, to: DAY_START + DAY });
        const summary = window?.profile?.features.get('text');
        const view = columnView(summary as NonNullable<typeof summary>);
        const servedByV1 = summer.filter((_, i) => i % 3 !== 2).map((m) => m.text);
        const expected = outOfVocabulary(
          training.map((m) => m.text),
          servedByV1,
        );
        expect(view.outOfVocabulary?.share).toBeCloseTo(expected.share, 12);
        expect(view.outOfVocabulary?.share).toBeGreaterThan(0.01);
        const words = servedByV1.reduce(
          (n, t) => n + (t.toLowerCase().match(/[\p{L}\p{N}_]{2,}/gu)?.length ?? 0),
          0,
        );
        expect(view.outOfVocabulary?.checked).toBe(words);
        // The most frequent unseen words: never over-counted, and every word above the sketch's bound kept.
        const known = new Set(vocabulary.columns.text);
        const unseen = new Map<string, number>();
        for (const t of servedByV1)
          for (const w of t.toLowerCase().match(/[\p{L}\p{N}_]{2,}/gu) ?? [])
            if (!known.has(w)) unseen.set(w, (unseen.get(w) ?? 0) + 1);
        const total = [...unseen.values()].reduce((a, b) => a + b, 0);
        const top = new Map(view.outOfVocabulary?.top);
        for (const [word, count] of top) expect(count).toBeLessThanOrEqual(unseen.get(word) as number);
        for (const [word, count] of unseen) if (count > total / 21) expect(top.has(word)).toBe(true);
        expect(top.size).toBe(20);
        expect(v1.lineage.vocabulary).toMatchObject({ words: { text: vocabulary.columns.text?.length } });
        expect(await registry.vocabulary('mail', v1.version)).toEqual(vocabulary);
      } finally {
        await store.close();
      }
    },
    60_000,
  );

  it.skipIf(ts.skip)(
    'an uploaded version gets its words once over HTTP; bad input is a clear error',
    async () => {
      const store = await ts.open();
      const steward = await testApp(store, { runJobs: false });
      try {
        const call = (method: 'PUT' | 'POST', url: string, payload: unknown, headers = {}) =>
          steward.app.inject({ method, url, payload: payload as string, headers });
        await call('PUT', '/api/v1/models/mail', {
          name: 'mail',
          task: 'binary',
          window: '1d',
          features: [{ name: 'text', type: 'text' }],
        });
        const modelFile = JSON.stringify(
          new LogisticRegression().fit([[0], [1], [2], [3]], [0, 0, 1, 1]).toJSON(),
        );
        expect(
          (
            await call('POST', '/api/v1/models/mail/versions', modelFile, {
              'content-type': 'application/octet-stream',
            })
          ).statusCode,
        ).toBe(201);
        const url = '/api/v1/models/mail/versions/1/vocabulary';
        // Texts or words: the server splits them as the profiles do, most frequent first.
        const put = await call('PUT', url, {
          columns: { text: ['Cheap meds', 'cheap', 'Meeting at noon', 'x'] },
        });
        expect(put.statusCode).toBe(200);
        expect(put.json().lineage.vocabulary).toMatchObject({ words: { text: 5 }, distinct: { text: 5 } });
        expect((await steward.context.registry.vocabulary('mail', 1))?.columns.text).toEqual([
          'cheap',
          'meds',
          'meeting',
          'at',
          'noon',
        ]);
        const again = await call('PUT', url, { columns: { text: ['more'] } });
        expect(again.statusCode).toBe(409);
        expect(again.json().error.message).toBe('version 1 of model "mail" has its vocabulary already');
        const wrong = await call('PUT', '/api/v1/models/mail/versions/2/vocabulary', {
          columns: { text: ['a'] },
        });
        expect(wrong.statusCode).toBe(404);
        const column = await call('PUT', url, { columns: { subject: ['a'] } });
        expect(column.json().error.message).toBe(
          '"subject" is not a text feature of model "mail" (its text features: text)',
        );
        const shape = await call('PUT', url, { columns: { text: [] } });
        expect(shape.statusCode).toBe(400);
        expect(shape.json().error.details[0].field).toBe('columns.text');
      } finally {
        await steward.app.close();
        await store.close();
      }
    },
    60_000,
  );
});
