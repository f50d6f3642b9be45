import { MLPClassifier, Pipeline, restoreModel } from '@steward/core';
import { describe, expect, it } from 'vitest';
import { SPAM_STREAM_START, spamAssassin } from '../datasets/spam-assassin.js';
import { parseModelSpec } from '../spec/model-spec.js';
import type { RunDataset } from './run-dataset.js';
import { trainCandidate } from './strategies.js';

const mail = spamAssassin()
  .filter((e) => e.time >= SPAM_STREAM_START)
  .slice(0, 900);
const rows = mail.map((e) => ({ body: e.text }));
const labels = mail.map((e) => e.label);

describe('fine-tuning in an update run', () => {
  it("sets the policy's fine-tunable options on production's network: a frozen first layer stays as it was", async () => {
    // Production: a network over hashed words, pretrained on the oldest 600 messages with every layer learning.
    const production = new Pipeline(
      { text: ['body'], textSteps: { nFeatures: 1024 } },
      new MLPClassifier({ hiddenLayers: [8], maxIter: 10, seed: 1 }),
    ).fit(rows.slice(0, 600), labels.slice(0, 600));
    const spec = parseModelSpec({
      name: 'mail',
      task: 'binary',
      classes: ['ham', 'spam'],
      features: [{ name: 'body', type: 'text' }],
      update: {
        strategy: 'fineTune',
        learner: {
          kind: 'MLPClassifier',
          // frozenLayers and maxIter may change on a fitted network; hiddenLayers shapes it and is left as saved.
          params: { frozenLayers: 1, maxIter: 3, hiddenLayers: [64] },
          pipeline: { text: { nFeatures: 1024 } },
        },
      },
    });
    const data: RunDataset = {
      trainX: [],
      trainY: [],
      trainTimes: [],
      heldX: [],
      heldY: [],
      heldTimes: [],
      records: rows.slice(600),
      recordLabels: labels.slice(600),
      recordTimes: rows.slice(600).map(() => 0),
      heldRecords: [],
      heldRecordLabels: [],
      heldRecordTimes: [],
      rows: 300,
      from: 0,
      to: 1,
    };
    const before = production.model.layers?.map((L) => Array.from(L.W)) ?? [];
    const copy = restoreModel(JSON.parse(JSON.stringify(production.toJSON())));
    const { value, detail } = await trainCandidate(
      spec,
      spec.update as NonNullable<typeof spec.update>,
      data,
      {
        artifactPath: '',
        model: copy,
      },
    );
    expect(detail).toMatchObject({ fineTuneOptions: ['frozenLayers', 'maxIter'] });
    const tuned = restoreModel(JSON.parse(value.bytes.toString('utf8'))) as Pipeline<MLPClassifier>;
    expect(tuned.model.options.hiddenLayers).toEqual([8]);
    expect(Array.from(tuned.model.layers?.[0]?.W ?? [])).toEqual(before[0]);
    expect(Array.from(tuned.model.layers?.[1]?.W ?? [])).not.toEqual(before[1]);
  });
});
