import type { Ingestion } from '../monitor/ingestion.js';
import type { LoadedModel } from '../monitor/model-catalog.js';
import type { ArtifactStore } from '../registry/artifact-store.js';
import { loadPredictor, type Predictor, type ServedPrediction } from '../registry/predictor.js';
import type { Registry } from '../registry/registry.js';
import type { ModelVersion } from '../registry/version-records.js';
import { DomainError } from '../spec/domain-error.js';
import type { ModelSpec } from '../spec/model-spec.js';
import type { InputRecord, PredictionRecord } from '../spec/records.js';
import { activeCanaryShare } from '../store/canary-share.js';
import { readKnownLabels } from '../store/label-history.js';
import type { StoreConnection } from '../store/open-store.js';
import { computeLabelFeatures, labelFeaturesOf, newestNeeded, samePeriodReaches } from './label-features.js';

export interface ServedRow extends ServedPrediction {
  id: string;
  version: number;
  /** Which alias answered: production, or candidate for the canary share. */
  variant: 'production' | 'candidate';
}

/** The model itself failed on the rows (wrong feature types for it, a runtime error); the API answers 422. */
export class PredictionFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PredictionFailedError';
  }
}

/** Thrown when a model cannot serve (no production version); the API answers 409. */
export class NotServableError extends DomainError {
  constructor(message: string) {
    super(409, 'not_servable', message);
  }
}

/**
 * A key's place in [0, 1): FNV-1a then MurmurHash3's finaliser (FNV alone leaves similar short keys such as
 * "q9000", "q9001" unevenly spread in its high bits). Stable, so a key lands on the same side of the canary split
 * in every process and every release.
 */
export function stickyFraction(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/**
 * Serves predictions from the registry: `production` answers, `candidate` answers the canary share (sticky by
 * key), `shadow` predicts beside them without touching the response. Served predictions are logged into
 * monitoring (with their version) before the answer; shadow outputs go to their own table.
 */
export class Serving {
  private readonly predictors = new Map<string, Promise<Predictor>>();

  constructor(
    private readonly store: StoreConnection,
    private readonly registry: Registry,
    private readonly artifacts: ArtifactStore,
    private readonly ingestion: Ingestion,
    private readonly log: (line: string) => void,
  ) {}

  async predict(model: LoadedModel, given: readonly InputRecord[]): Promise<ServedRow[]> {
    const { spec } = model;
    const inputs = await this.withLabelFeatures(spec, given);
    const { production, candidate: canary, shadow } = await this.registry.resolveAll(spec.name);
    if (!production)
      throw new NotServableError(
        `model "${spec.name}" has no production version: register one and promote it`,
      );
    const share = (await activeCanaryShare(this.store, spec.name)) ?? spec.serving.canaryShare;
    const candidate = share > 0 ? canary : undefined;

    const groups = new Map<ModelVersion, { variant: ServedRow['variant']; rows: number[] }>([
      [production, { variant: 'production', rows: [] }],
    ]);
    if (candidate) groups.set(candidate, { variant: 'candidate', rows: [] });
    inputs.forEach((input, i) => {
      const toCandidate = candidate !== undefined && stickyFraction(input.key) < share;
      groups.get(toCandidate ? candidate : production)?.rows.push(i);
    });

    const served: ServedRow[] = new Array(inputs.length);
    const shadowRuns = [shadow ? this.runShadow(model, shadow, inputs) : Promise.resolve()];
    // A canary decided sequentially is judged on paired rows: production predicts the canary's rows too.
    const canaryRows = candidate ? groups.get(candidate)?.rows : undefined;
    if (canaryRows?.length && spec.update?.rollout.decide === 'sequential')
      shadowRuns.push(
        this.runShadow(
          model,
          production,
          canaryRows.map((i) => inputs[i] as InputRecord),
        ),
      );
    for (const [version, group] of groups) {
      if (group.rows.length === 0) continue;
      let outputs: ServedPrediction[];
      try {
        const predictor = await this.predictor(model, version);
        outputs = await predictor.predict(group.rows.map((i) => (inputs[i] as InputRecord).features));
      } catch (error) {
        throw new PredictionFailedError(`version ${version.version}: ${(error as Error).message}`);
      }
      group.rows.forEach((i, k) => {
        served[i] = {
          id: (inputs[i] as InputRecord).id,
          version: version.version,
          variant: group.variant,
          ...(outputs[k] as ServedPrediction),
        };
      });
    }
    const records: PredictionRecord[] = served.map((s, i) => {
      const input = inputs[i] as InputRecord;
      return {
        id: s.id,
        time: input.time,
        version: String(s.version),
        segment: input.segment,
        features: input.features,
        output: s.output,
        score: s.score,
        proba: s.proba,
      };
    });
    await this.ingestion.predictions(model, records);
    await Promise.all(shadowRuns);
    return served;
  }

  /** The rows with the features Steward computes from the model's labels (as known by each row's time) filled in. */
  private async withLabelFeatures(
    spec: ModelSpec,
    inputs: readonly InputRecord[],
  ): Promise<readonly InputRecord[]> {
    const computed = labelFeaturesOf(spec);
    if (computed.length === 0 || inputs.length === 0) return inputs;
    const times = inputs.map((i) => i.time);
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    for (const t of times) {
      from = Math.min(from, t);
      to = Math.max(to, t);
    }
    const labels = await readKnownLabels(
      this.store.db,
      spec.name,
      { from, to },
      { newest: newestNeeded(computed), reaches: samePeriodReaches(computed) },
    );
    const values = computeLabelFeatures(spec, computed, times, labels);
    return inputs.map((input, i) => ({ ...input, features: { ...input.features, ...values[i] } }));
  }

  private async runShadow(
    model: LoadedModel,
    shadow: ModelVersion,
    inputs: readonly InputRecord[],
  ): Promise<void> {
    try {
      const outputs = await (await this.predictor(model, shadow)).predict(inputs.map((i) => i.features));
      const rows = outputs.map((o, i) => ({
        model: model.spec.name,
        id: (inputs[i] as InputRecord).id,
        version: shadow.version,
        time: (inputs[i] as InputRecord).time,
        output: JSON.stringify(o.output),
        score: o.score,
        proba: o.proba === null ? null : JSON.stringify(o.proba),
      }));
      for (let s = 0; s < rows.length; s += 500) {
        await this.store.db
          .insertInto('shadow_predictions')
          .values(rows.slice(s, s + 500))
          .onConflict((oc) => oc.columns(['model', 'id', 'version']).doNothing())
          .execute();
      }
    } catch (error) {
      this.log(
        JSON.stringify({
          level: 'error',
          msg: 'shadow prediction failed',
          model: model.spec.name,
          version: shadow.version,
          error: (error as Error).message,
        }),
      );
    }
  }

  private predictor(model: LoadedModel, version: ModelVersion): Promise<Predictor> {
    const key = `${model.spec.name}\u0000${model.updatedAt}\u0000${version.version}`;
    let predictor = this.predictors.get(key);
    if (!predictor) {
      predictor = loadPredictor(model.spec, version, this.artifacts);
      predictor.catch(() => this.predictors.delete(key));
      this.predictors.set(key, predictor);
    }
    return predictor;
  }
}
