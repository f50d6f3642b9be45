import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { StewardClient } from '@steward/client';
import { GaussianNB } from '@steward/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StewardApp } from '../../http/app.js';
import type { StoreConnection } from '../../store/open-store.js';
import { createToken } from '../../store/tokens.js';
import { alertRow } from '../../testing/alert-rows.js';
import { ELEC2_FEATURES, ELEC2_MODEL, elec2Rows } from '../../testing/elec2.js';
import { testApp } from '../../testing/test-app.js';
import { type TestStore, testStores } from '../../testing/test-stores.js';
import { steward, tempFile } from '../test-helpers.js';

const rows = elec2Rows().slice(0, 2000);
const nb = new GaussianNB().fit(
  rows.map((r) => ELEC2_FEATURES.map((f) => r[f])),
  rows.map((r) => r.class),
);
const modelPath = tempFile('nb.json', JSON.stringify(nb.toJSON()));
const onnxPath = fileURLToPath(new URL('../../registry/fixtures/classifier.onnx', import.meta.url));

describe('registry over the API, the SDK and the CLI', () => {
  let store: StoreConnection;
  let server: StewardApp;
  let url: string;
  let admin: string;
  let reader: string;
  beforeEach(async () => {
    store = await (testStores()[0] as TestStore).open();
    server = await testApp(store, { requireAuth: true });
    await server.context.catalog.put(ELEC2_MODEL);
    admin = (await createToken(store, 'release-bot', ['admin'])).token;
    reader = (await createToken(store, 'dashboard', ['read'])).token;
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await server.app.close();
    await store.close();
  });

  it("registers a text model's version with the words it learnt, read from a file of its training texts", async () => {
    await server.context.catalog.put({
      name: 'mail',
      task: 'binary',
      window: '1d',
      features: [{ name: 'text', type: 'text' }],
    });
    const auth = ['--url', url, '--token', admin];
    const texts = tempFile('train.txt', 'Cheap meds today\n\nMeeting notes: cheap seats\n');
    const done = await steward('register', 'mail', modelPath, ...auth, '--vocabulary', `text=${texts}`);
    expect(done.stdout).toMatch(
      /^registered mail version 1 \(steward, sha256 [0-9a-f]{64}\), with the words of text\n$/,
    );
    expect((await server.context.registry.vocabulary('mail', 1))?.columns.text).toEqual([
      'cheap',
      'meds',
      'today',
      'meeting',
      'notes',
      'seats',
    ]);
    const bad = await steward('register', 'mail', modelPath, ...auth, '--vocabulary', texts);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--vocabulary takes column=file \(a text column and its training texts\)/);
  });

  it('registers, lists, promotes and rolls back from the CLI, with the token named in the audit trail', async () => {
    const auth = ['--url', url, '--token', admin];
    const first = await steward(
      'register',
      'elec2',
      modelPath,
      ...auth,
      '--lineage',
      '{"strategy":"retrain"}',
    );
    expect(first.stdout).toMatch(/^registered elec2 version 1 \(steward, sha256 [0-9a-f]{64}\)\n$/);
    expect((await steward('register', 'elec2', onnxPath, ...auth, '--parent', '1')).stdout).toMatch(
      /version 2 \(onnx/,
    );
    expect((await steward('promote', 'elec2', '1', ...auth)).stdout).toBe('elec2 production: none → 1\n');
    expect((await steward('promote', 'elec2', '2', ...auth, '--reason', 'new export')).stdout).toBe(
      'elec2 production: 1 → 2\n',
    );
    const versions = await steward('versions', 'elec2', ...auth);
    expect(versions.stdout).toMatch(/│ 1 +│ steward │ - +│ - +│ retrain/);
    expect(versions.stdout).toMatch(/│ 2 +│ onnx +│ production │ 1 /);
    expect((await steward('rollback', 'elec2', ...auth)).stdout).toBe(
      'elec2 production: rolled back 2 → 1\n',
    );
    expect((await steward('models', ...auth)).stdout).toMatch(/│ elec2 │ binary │ ok +│ 1 +│ - +│ - +│/);
    const refused = await steward('rollback', 'elec2', ...auth);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'steward: nothing to roll back to: production of model "elec2" has only had version 1\n',
    );
    const forbidden = await steward('promote', 'elec2', '2', '--url', url, '--token', reader);
    expect(forbidden.stderr).toMatch(/token "dashboard" lacks the "admin" scope/);

    const audit = (
      await server.app.inject({
        url: '/api/v1/audit?model=elec2',
        headers: { authorization: `Bearer ${admin}` },
      })
    ).json();
    expect(audit.map((a: { action: string; actor: string }) => `${a.action} by ${a.actor}`)).toEqual([
      'rollback by release-bot',
      'promote by release-bot',
      'promote by release-bot',
      'register by release-bot',
      'register by release-bot',
    ]);
  });

  it('uploads and downloads byte for byte through the SDK, and refuses what is not a model', async () => {
    const client = new StewardClient({ url, token: admin });
    const bytes = readFileSync(onnxPath);
    const version = await client.uploadVersion('elec2', bytes, {
      description: 'exported',
      lineage: { strategy: 'external' },
    });
    expect(version).toMatchObject({
      version: 1,
      format: 'onnx',
      description: 'exported',
      lineage: { strategy: 'external' },
      createdBy: 'release-bot',
    });
    expect(
      Buffer.from(await new StewardClient({ url, token: reader }).downloadArtifact('elec2', 1)).equals(bytes),
    ).toBe(true);
    await expect(
      client.uploadVersion('elec2', Buffer.from('{"kind":"LogisticRegression"}')),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/not a valid Steward model file/),
    });
    await expect(client.uploadVersion('nope', bytes)).rejects.toMatchObject({ status: 404 });
    await expect(client.getVersion('elec2', 9)).rejects.toMatchObject({ status: 404 });
    expect((await client.logSteps('elec2', 1, [{ step: 0, metric: 'loss', value: 0.7 }])).stored).toBe(1);
    expect((await client.listVersions('elec2')).map((v) => v.version)).toEqual([1]);
  });

  it('queues an update run and lists the runs from the CLI', async () => {
    const auth = ['--url', url, '--token', admin];
    expect((await steward('update', 'elec2', ...auth)).stderr).toBe(
      'steward: model "elec2" has no update policy: add "update:" to its spec\n',
    );
    await server.context.catalog.put({
      ...ELEC2_MODEL,
      update: { minRows: 10, learner: { kind: 'GaussianNB' } },
    });
    expect((await steward('update', 'elec2', ...auth)).stdout).toMatch(
      /^queued: job [0-9a-f-]{36} \(follow it with `steward runs elec2`\)\n$/,
    );
    expect((await steward('update', 'elec2', ...auth)).stdout).toMatch(/^already queued: job /);
    await server.context.worker.runOnce();
    const runs = await steward('runs', 'elec2', ...auth);
    expect(runs.stdout).toMatch(
      /│ manual +│ skipped +│ dataset +│ - +│ 0 labelled rows in the window, fewer than minRows 10;/,
    );
  });

  it('pages versions, alias changes and alerts: --limit, the next page printed, --before to read it, --all', async () => {
    const auth = ['--url', url, '--token', admin];
    for (let v = 1; v <= 5; v++) await steward('register', 'elec2', modelPath, ...auth);
    for (const v of ['3', '1', '5']) await steward('promote', 'elec2', v, ...auth);
    const first = await steward('versions', 'elec2', '--limit', '2', ...auth);
    expect(first.stdout).toMatch(/│ 5 +│ steward │ production[\s\S]*│ 4 +│ steward/);
    expect(first.stdout).not.toMatch(/│ 3 +│/);
    expect(first.stdout).toMatch(/\nmore: steward versions elec2 --before 4\n$/);
    const second = await steward('versions', 'elec2', '--limit', '2', '--before', '4', ...auth);
    expect(second.stdout).toMatch(/│ 3 +│ steward[\s\S]*│ 2 +│ steward/);
    expect(second.stdout).toMatch(/more: steward versions elec2 --before 2\n$/);
    const all = await steward('versions', 'elec2', '--all', '--json', ...auth);
    expect(JSON.parse(all.stdout).map((v: { version: number }) => v.version)).toEqual([5, 4, 3, 2, 1]);

    const aliases = await steward('aliases', 'elec2', '--limit', '2', ...auth);
    expect(aliases.stdout).toMatch(/^now: production 5, candidate -, shadow -\n/);
    expect(aliases.stdout).toMatch(
      /│ production │ promote +│ 1 +│ 5 +│[\s\S]*│ production │ promote +│ 3 +│ 1 +│/,
    );
    expect(aliases.stdout).toMatch(/more: steward aliases elec2 --before \d+\n$/);

    await store.db
      .insertInto('alerts')
      .values(
        [1, 2, 3].map((i) =>
          alertRow(`a${i}`, 'elec2', i * 1000, {
            severity: 'critical',
            message: `accuracy fell (${i})`,
            occurrences: i,
          }),
        ),
      )
      .execute();
    const alerts = await steward('alerts', '--model', 'elec2', '--status', 'open', '--limit', '2', ...auth);
    expect(alerts.stdout).toMatch(/accuracy fell \(3\)[\s\S]*accuracy fell \(2\)/);
    expect(alerts.stdout).not.toMatch(/accuracy fell \(1\)/);
    expect(alerts.stdout).toMatch(/more: steward alerts --model elec2 --status open --before 2000~a2\n$/);
    const rest = await steward('alerts', '--model', 'elec2', '--before', '2000~a2', '--json', ...auth);
    expect(JSON.parse(rest.stdout).map((a: { id: string }) => a.id)).toEqual(['a1']);
    const bad = await steward('versions', 'elec2', '--limit', '0', ...auth);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('steward: --limit must be a positive integer, got 0\n');
  });
});
