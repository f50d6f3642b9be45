import { DomainError } from '../spec/domain-error.js';
import type { VersionVocabulary } from './vocabulary.js';
// What the registry stores and answers: versions, aliases and their changes, and its errors.

export const ALIASES = ['production', 'candidate', 'shadow'] as const;
export type Alias = (typeof ALIASES)[number];
export const FORMATS = ['steward', 'onnx'] as const;
export type ArtifactFormat = (typeof FORMATS)[number];

/** Where a version came from: free-form, with the fields the update loop fills in. */
export interface Lineage {
  trainingWindow?: { from: string; to: string };
  strategy?: string;
  parameters?: Record<string, unknown>;
  evaluation?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ModelVersion {
  model: string;
  version: number;
  sha256: string;
  format: ArtifactFormat;
  size: number;
  parent: number | null;
  description: string | null;
  lineage: Lineage;
  createdBy: string;
  createdAt: number;
  /** Aliases pointing at this version now. */
  aliases: Alias[];
}

export interface AliasChange {
  /** Its number in the alias history (absent on the answer to a change). */
  id?: number;
  alias: Alias;
  action: 'promote' | 'rollback' | 'clear';
  fromVersion: number | null;
  toVersion: number | null;
  reason: string | null;
  actor: string;
  at: number;
}

/** A registry request that cannot be done; `status` is the HTTP answer (400, 404 or 409). */
export class RegistryError extends DomainError {
  constructor(
    status: 400 | 404 | 409,
    message: string,
    readonly field?: string,
  ) {
    super(
      status,
      status === 404 ? 'not_found' : status === 409 ? 'conflict' : 'invalid_request',
      message,
      field ? [{ field, message }] : undefined,
    );
  }
}

export interface RegisterOptions {
  format?: ArtifactFormat;
  parent?: number;
  description?: string;
  lineage?: Lineage;
  /** The words of each text column the version learnt from: stored beside it, named in `lineage.vocabulary`. */
  vocabulary?: VersionVocabulary;
  actor: string;
}
