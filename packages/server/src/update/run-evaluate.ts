// The evaluate step: candidate and production predict the same held-out rows, and the gate compares them.
import type { ArtifactStore } from '../registry/artifact-store.js';
import { loadPredictor, onnxPredictor, stewardPredictor } from '../registry/predictor.js';
import type { ModelVersion } from '../registry/version-records.js';
import type { ModelSpec, UpdatePolicy } from '../spec/model-spec.js';
import type { ClassValue } from '../spec/records.js';
import { evaluateGate, type GateDecision, type GateOutputs, gateOptionsOf } from './gate.js';
import { gateRows, type RunDataset } from './run-dataset.js';

export async function evaluateCandidate(
  artifacts: ArtifactStore,
  spec: ModelSpec,
  policy: UpdatePolicy,
  data: RunDataset,
  candidate: { bytes: Buffer; format: 'steward' | 'onnx' },
  production: ModelVersion | undefined,
  /** Production serves feature records (a pipeline, or no production): the gate compares on every held-out row. */
  productionTakesRecords: boolean,
  /** The candidate's outputs when it made them already (the online strategy's test-then-train predictions). */
  made?: GateOutputs,
): Promise<{ value: GateDecision | undefined; detail: Record<string, unknown> }> {
  const { rows, labels: heldY } = gateRows(spec, policy, data, productionTakesRecords);
  const candidatePredictor = async () =>
    candidate.format === 'onnx'
      ? await onnxPredictor(
          spec,
          { version: 0 } as ModelVersion,
          artifacts.path(artifacts.put(candidate.bytes).sha256),
        )
      : stewardPredictor(spec, { version: 0 } as ModelVersion, candidate.bytes);
  const outputsOf = async (predictor: {
    predict(
      rows: never,
    ): Promise<Array<{ output: ClassValue; score: number | null; proba: Record<string, number> | null }>>;
  }) => {
    const served = await predictor.predict(rows as never);
    const outputs: GateOutputs = { output: served.map((s) => s.output) };
    if (served.every((s) => s.score !== null)) outputs.score = served.map((s) => s.score as number);
    if (served.every((s) => s.proba !== null))
      outputs.proba = served.map((s) => s.proba as Record<string, number>);
    return outputs;
  };
  const candidateOutputs = made ?? (await outputsOf(await candidatePredictor()));
  if (!production) {
    return {
      value: undefined as GateDecision | undefined,
      detail: {
        note: 'no production version: the first version is promoted without a gate',
        rows: heldY.length,
      },
    };
  }
  const productionOutputs = await outputsOf(await loadPredictor(spec, production, artifacts));
  const gate = evaluateGate(spec, heldY, productionOutputs, candidateOutputs, gateOptionsOf(policy.gate));
  return { value: gate as GateDecision | undefined, detail: { ...gate } };
}
