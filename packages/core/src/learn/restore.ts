import { StewardInputError } from '../errors.js';
import { type Member, Stacking, Voting, WeightedAverage } from './ensembles.js';
import { checkModelFile } from './model-file.js';
import { type Learner, Pipeline } from './pipeline.js';
import { LEARNER_KINDS, LEARNERS, type LearnerKind } from './registry.js';

function kindOf(json: unknown): string {
  const kind = json !== null && typeof json === 'object' ? (json as { kind?: unknown }).kind : undefined;
  return String(kind);
}

/** Rebuilds a learner (not a pipeline) from its model file. */
export function restoreLearner(json: unknown): Learner {
  const definition = LEARNERS.get(kindOf(json) as LearnerKind);
  if (!definition) {
    checkModelFile(json, kindOf(json)); // says what is wrong when it is not a model file at all
    throw new StewardInputError(
      `unknown model kind '${kindOf(json)}': expected one of ${LEARNER_KINDS.join(', ')}`,
      'model',
    );
  }
  return definition.restore(json);
}

/** Rebuilds any Steward model (a learner, a pipeline or an ensemble) from its model file. */
export function restoreModel(json: unknown): Learner | Pipeline | WeightedAverage | Voting | Stacking {
  // An ensemble's members are matrix models; a pipeline member would be refused by its own predict.
  const member = (file: unknown) => restoreModel(file) as unknown as Member;
  switch (kindOf(json)) {
    case 'Pipeline':
      return Pipeline.fromJSON(json, restoreLearner);
    case 'WeightedAverage':
      return WeightedAverage.fromJSON(json, member);
    case 'Voting':
      return Voting.fromJSON(json, member);
    case 'Stacking':
      return Stacking.fromJSON(json, member);
    default:
      return restoreLearner(json);
  }
}
