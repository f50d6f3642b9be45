// Artifact formats: a Steward model file (JSON) or an ONNX model, told apart by their first byte and checked.
import { restoreModel } from '@steward/core';
import { type ArtifactFormat, RegistryError } from './version-records.js';

export function detectFormat(bytes: Uint8Array): ArtifactFormat | undefined {
  if (bytes[0] === 0x7b) return 'steward'; // '{'
  if (bytes[0] === 0x08) return 'onnx'; // ModelProto field 1 (ir_version), varint
  return undefined;
}

/** Refuses an artifact that is not what its format says (a Steward file must restore). */
export function checkArtifact(bytes: Uint8Array, format: ArtifactFormat): void {
  if (bytes.byteLength === 0) throw new RegistryError(400, 'the artifact is empty', 'artifact');
  if (format === 'onnx') {
    if (bytes[0] !== 0x08)
      throw new RegistryError(
        400,
        'not an ONNX model: an ONNX file starts with its ir_version field',
        'artifact',
      );
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new RegistryError(
      400,
      `not a Steward model file: invalid JSON (${(error as Error).message})`,
      'artifact',
    );
  }
  try {
    restoreModel(json);
  } catch (error) {
    throw new RegistryError(400, `not a valid Steward model file: ${(error as Error).message}`, 'artifact');
  }
}
