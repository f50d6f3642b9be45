import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StewardApp } from '../http/app.js';
import { onnxMetadata } from '../registry/onnx-metadata.js';
import { tokenEncoder } from '../registry/token-inputs.js';
import type { StoreConnection } from '../store/open-store.js';
import { testApp } from '../testing/test-app.js';
import { type TestStore, testStores } from '../testing/test-stores.js';
import type { UpdateRun } from '../update/run-record.js';

// A spam filter that reads raw text: lower-casing, tokenizing and word counts inside its graph, then logistic
// regression; made by registry/fixtures/make_text_model.py, with scikit-learn's probabilities for its test texts.
const onnxFile = fileURLToPath(new URL('../registry/fixtures/text-classifier.onnx', import.meta.url));
const expected = JSON.parse(
  readFileSync(new URL('../registry/fixtures/text-expected.json', import.meta.url), 'utf8'),
) as { test: string[]; probability: number[][] };

const MODEL = {
  name: 'mail',
  task: 'binary',
  classes: [0, 1],
  window: '1h',
  labelGrace: '1h',
  features: [{ name: 'body', type: 'text' }],
  notifiers: [],
};

describe('an ONNX text classifier', () => {
  let store: StoreConnection;
  let steward: StewardApp;
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    steward.app.inject({ method, url, ...(payload !== undefined ? { payload: payload as object } : {}) });
  /** Registers an ONNX file as a version of `mail` and makes it production; returns the version. */
  const serveAsProduction = async (file: string) => {
    const version = (
      await steward.app.inject({
        method: 'POST',
        url: '/api/v1/models/mail/versions',
        headers: { 'content-type': 'application/octet-stream' },
        payload: readFileSync(file),
      })
    ).json() as { version: number; format: string };
    await api('PUT', '/api/v1/models/mail/aliases/production', { version: version.version });
    return version;
  };
  beforeEach(async () => {
    store = await (testStores()[0] as TestStore).open();
    steward = await testApp(store);
  });
  afterEach(async () => {
    await steward.app.close();
    await store.close();
  });

  it('is served through onnxruntime on raw text, as scikit-learn scores it, and monitored like any model', async () => {
    expect((await api('PUT', '/api/v1/models/mail', MODEL)).statusCode).toBeLessThan(300);
    expect(await serveAsProduction(onnxFile)).toMatchObject({ version: 1, format: 'onnx' });
    const rows = expected.test.map((body, i) => ({ id: `t${i}`, features: { body } }));
    const served = await api('POST', '/api/v1/models/mail/predict', rows);
    expect(served.statusCode).toBe(200);
    const predictions = served.json().predictions as Array<{ score: number; output: number }>;
    predictions.forEach((p, i) => {
      expect(p.score).toBeCloseTo(expected.probability[i]?.[1] as number, 6);
      expect(p.output).toBe((expected.probability[i]?.[1] as number) > 0.5 ? 1 : 0);
    });
    // A missing text is an empty one; a number in a text feature is refused with its row, and nothing is logged.
    const missing = await api('POST', '/api/v1/models/mail/predict', [{ features: { body: null } }]);
    expect(missing.json().predictions[0].score).toBeCloseTo(expected.probability[3]?.[1] as number, 6);
    const bad = await api('POST', '/api/v1/models/mail/predict', [
      { features: { body: 'ok' } },
      { features: { body: 7 } },
    ]);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/expected a string or null, got 7/);
    // Labels arrive: the window's accuracy is the served outputs against them.
    await api(
      'POST',
      '/api/v1/models/mail/labels',
      rows.map((r, i) => ({ predictionId: r.id, label: i === 0 || i === 2 ? 1 : 0 })),
    );
    const metrics = await api('GET', '/api/v1/models/mail/metrics?window=1h');
    expect(metrics.statusCode).toBe(200);
    expect(JSON.stringify(metrics.json())).toContain('"accuracy":1');
  });

  it('an external trainer gets the text itself, and the ONNX it writes is gated on held-out texts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-onnx-text-'));
    const script = join(dir, 'train.mjs');
    // Stands in for a Hugging Face script: checks it was given the texts, then writes its ONNX export.
    writeFileSync(
      script,
      `import { copyFileSync, readFileSync } from 'node:fs';
const [dataset, output] = process.argv.slice(2);
const text = readFileSync(dataset, 'utf8');
if (!text.startsWith('body,label\\n') || !text.includes('"free money, click now",1')) process.exit(3);
console.log('rows', text.trim().split('\\n').length - 1);
copyFileSync(${JSON.stringify(onnxFile)}, output);
`,
    );
    await api('PUT', '/api/v1/models/mail', {
      ...MODEL,
      update: {
        window: '30d',
        minRows: 10,
        strategy: 'external',
        command: [process.execPath, script, '{dataset}', '{output}'],
        gate: { mode: 'notWorse', margin: 0.05 },
      },
    });
    await serveAsProduction(onnxFile);
    const now = Date.now();
    const texts = Array.from({ length: 40 }, (_, i) =>
      i % 2 ? 'free money, click now' : 'agenda for the project meeting',
    );
    const logged = texts.map((body, i) => ({
      id: `p${i}`,
      time: now - (40 - i) * 60_000,
      features: { body },
      output: i % 2,
    }));
    expect((await api('POST', '/api/v1/models/mail/predictions', logged)).statusCode).toBe(200);
    await api(
      'POST',
      '/api/v1/models/mail/labels',
      logged.map((p, i) => ({ predictionId: p.id, label: i % 2 })),
    );
    await api('POST', '/api/v1/models/mail/updates');
    const run = (await steward.context.worker.runOnce()) as UpdateRun;
    const step = (name: string) => run.steps.find((s) => s.name === name)?.detail as Record<string, unknown>;
    expect(step('train')).toMatchObject({ strategy: 'external', rows: 32 });
    expect(String(step('train').log)).toContain('rows 32');
    expect(step('evaluate')).toMatchObject({ rows: 8 });
    expect(run.status).toBe('promoted');
  });

  it('a Transformers-style export (input_ids, attention_mask) is served with the tokenizer.json it carries', async () => {
    const tokenFile = fileURLToPath(new URL('../registry/fixtures/token-classifier.onnx', import.meta.url));
    const tokens = JSON.parse(
      readFileSync(new URL('../registry/fixtures/token-expected.json', import.meta.url), 'utf8'),
    ) as { texts: string[]; ids: number[][]; probabilities: number[][] };
    // The tokenizer it carries gives the ids worked out by hand (WordPiece: "meeting" → meet ##ing, "zebra" → [UNK]).
    const metadata = onnxMetadata(readFileSync(tokenFile));
    const encoder = tokenEncoder(
      tokenFile,
      [{ name: 'input_ids', type: 'int64', shape: ['batch', 'seq'] }],
      metadata,
    );
    const batch = encoder.encode(tokens.texts);
    const width = batch.input_ids?.dims[1] as number;
    tokens.ids.forEach((ids, r) => {
      expect(
        Array.from(batch.input_ids?.data.subarray(r * width, r * width + ids.length) ?? [], Number),
      ).toEqual(ids);
    });
    expect(encoder.maxLength).toBe(16); // the tokenizer config's model_max_length
    // A longer text is cut to 16 ids, its closing [SEP] kept.
    const long = encoder.encode(['free '.repeat(40)]).input_ids;
    expect(long?.dims).toEqual([1, 16]);
    expect(Number(long?.data[15])).toBe(3);
    expect(() => tokenEncoder('m.onnx', [], {})).toThrow(
      /carries no tokenizer: add the Hugging Face tokenizer\.json/,
    );
    expect(onnxMetadata(readFileSync(onnxFile))).toEqual({});

    await api('PUT', '/api/v1/models/mail', MODEL);
    await serveAsProduction(tokenFile);
    const served = await api(
      'POST',
      '/api/v1/models/mail/predict',
      tokens.texts.map((body) => ({ features: { body } })),
    );
    expect(served.statusCode).toBe(200);
    const scores = (served.json().predictions as Array<{ score: number }>).map((p) => p.score);
    for (const [i, score] of scores.entries())
      expect(score).toBeCloseTo(tokens.probabilities[i]?.[1] as number, 6);
  });
});
