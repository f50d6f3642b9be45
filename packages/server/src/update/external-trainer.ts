import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvCell } from '../csv-cell.js';

export interface ExternalTrainingInput {
  command: readonly string[];
  timeoutMs: number;
  featureNames: readonly string[];
  /** One row of feature values per training row, in the order of `featureNames` (text as it came; missing empty). */
  X: readonly (readonly (number | string | null)[])[];
  y: readonly (string | number)[];
  /** The production artifact's path, for fine-tuning scripts (empty when there is none). */
  productionPath: string;
}

export interface ExternalTrainingResult {
  bytes: Buffer;
  /** The last 8 KiB of what the command printed (stdout and stderr interleaved). */
  log: string;
  seconds: number;
}

const LOG_TAIL = 8192;

/**
 * Runs the training command in a process group of its own and kills that group (the command and whatever it started)
 * as soon as its stdin closes: when the worker ends it on a timeout, or when the worker dies (kill -9 included, its
 * end of the pipe closes with it). Node has no "die with the parent"; a pipe is what every platform gives.
 */
const GUARD = `
const { spawn } = require('node:child_process');
const [command, ...args] = process.argv.slice(1);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
const stop = () => { try { process.kill(-child.pid, 'SIGKILL'); } catch {} process.exit(137); };
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
child.on('error', (e) => { process.stderr.write('steward-guard: cannot run ' + e.message + '\\n'); process.exit(127); });
child.on('exit', (code, signal) => process.exit(code === null ? 128 : code));
`;

/**
 * Runs a user's training command (a Python, PyTorch or Hugging Face script, …): the training rows are written to
 * `{dataset}` as CSV (the model's features, then `label`), the command writes a Steward model file or an ONNX model
 * to `{output}`, and is killed after `timeoutMs`. A non-zero exit, a timeout or a missing output is an error that
 * carries the end of the command's log.
 */
export async function trainExternally(input: ExternalTrainingInput): Promise<ExternalTrainingResult> {
  const dir = mkdtempSync(join(tmpdir(), 'steward-train-'));
  const dataset = join(dir, 'dataset.csv');
  const output = join(dir, 'model.out');
  const lines = [[...input.featureNames, 'label'].map(csvCell).join(',')];
  input.X.forEach((row, i) => {
    lines.push([...row.map((v) => v ?? ''), input.y[i] as string | number].map(csvCell).join(','));
  });
  writeFileSync(dataset, `${lines.join('\n')}\n`);
  const args = input.command.map((a) =>
    a
      .replaceAll('{dataset}', dataset)
      .replaceAll('{output}', output)
      .replaceAll('{production}', input.productionPath),
  );
  const started = Date.now();
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-LOG_TAIL);
  };
  const { code, timedOut } = await new Promise<{ code: number | null; timedOut: boolean }>(
    (resolve, reject) => {
      // The command runs under a guard that kills it, and everything it started, when this process goes away.
      const child = spawn(process.execPath, ['-e', GUARD, '--', ...args], {
        cwd: dir,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.stdin.end();
      }, input.timeoutMs);
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${args[0]}: ${error.message}`));
      });
      child.once('close', (exitCode) => {
        clearTimeout(timer);
        resolve({ code: exitCode, timedOut });
      });
    },
  );
  const unstartable = /^steward-guard: cannot run (.*)$/m.exec(log);
  if (unstartable) throw new Error(`cannot run ${args[0]}: ${unstartable[1]}`);
  const tail = log.trim().split('\n').slice(-5).join(' | ');
  if (timedOut)
    throw new Error(
      `the training command timed out after ${input.timeoutMs} ms and was killed${tail ? `; its last output: ${tail}` : ''}`,
    );
  if (code !== 0) throw new Error(`the training command exited with code ${code}${tail ? `: ${tail}` : ''}`);
  if (!existsSync(output))
    throw new Error(`the training command exited without writing the model to {output} (${output})`);
  return { bytes: readFileSync(output), log, seconds: (Date.now() - started) / 1000 };
}
