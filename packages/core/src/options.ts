import { StewardInputError } from './errors.js';

/**
 * What one option of a learner or a detector accepts, described once: the constructor checks its options with it,
 * the server turns it into the model spec's schema (400 messages, OpenAPI) and `steward.yaml` is checked by it.
 * Core has no runtime dependencies, so this is a small description rather than a zod schema.
 */
export type OptionSpec = NumberOption | BooleanOption | ChoiceOption | IntegerListOption;

interface Described {
  /** One line: what the option does and its default, shown in errors and the API document. */
  doc: string;
}

export interface NumberOption extends Described {
  type: 'number';
  integer?: boolean;
  /** Lowest allowed value (or, with `exclusiveMin`, the bound just below it). */
  min?: number;
  exclusiveMin?: boolean;
  max?: number;
  exclusiveMax?: boolean;
  /** `Infinity` means "no limit" (e.g. a tree depth). */
  allowInfinity?: boolean;
}

export interface BooleanOption extends Described {
  type: 'boolean';
}

export interface ChoiceOption<T extends string | boolean = string | boolean> extends Described {
  type: 'choice';
  values: readonly T[];
}

/** A list of positive integers, such as hidden layer sizes; `64` and `"64,32"` are accepted as `[64]`, `[64, 32]`. */
export interface IntegerListOption extends Described {
  type: 'integers';
  min?: number;
  /** An empty list is allowed (a list of column indices, say, that may name none). */
  allowEmpty?: boolean;
}

type SpecOf<T> = [T] extends [number]
  ? NumberOption
  : [T] extends [readonly number[]]
    ? IntegerListOption
    : [T] extends [boolean]
      ? BooleanOption
      : ChoiceOption<Extract<T, string | boolean>>;

/** One spec per option of `O`: a missing or mistyped entry does not compile. */
export type OptionsSpec<O> = { readonly [K in keyof O]-?: SpecOf<Exclude<O[K], undefined>> };

/** A learner's or detector's options as the registries hold them, whatever the owner. */
export type AnyOptionsSpec = Readonly<Record<string, OptionSpec>>;

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (value === null || typeof value !== 'object') return String(value);
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 40)}…` : json;
}

function bounds(spec: NumberOption): string {
  const parts: string[] = [];
  if (spec.min !== undefined) parts.push(`${spec.exclusiveMin ? '>' : '>='} ${spec.min}`);
  if (spec.max !== undefined) parts.push(`${spec.exclusiveMax ? '<' : '<='} ${spec.max}`);
  return parts.join(' and ');
}

/** What the spec allows, in words: "an integer >= 1", "one of 'hinge', 'log_loss'". */
export function allowedValues(spec: OptionSpec): string {
  switch (spec.type) {
    case 'number': {
      const range = bounds(spec);
      return `${spec.integer ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}`;
    }
    case 'boolean':
      return 'true or false';
    case 'choice':
      return `one of ${spec.values.map(describe).join(', ')}`;
    case 'integers':
      return `a ${spec.allowEmpty ? 'possibly empty ' : ''}list of integers >= ${spec.min ?? 1}`;
  }
}

function numberOk(spec: NumberOption, value: number): boolean {
  if (Number.isNaN(value)) return false;
  if (!Number.isFinite(value)) return spec.allowInfinity === true && value > 0;
  if (spec.integer && !Number.isInteger(value)) return false;
  if (spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min)) return false;
  if (spec.max !== undefined && (spec.exclusiveMax ? value >= spec.max : value > spec.max)) return false;
  return true;
}

function integerList(spec: IntegerListOption, value: unknown): number[] | undefined {
  const list =
    typeof value === 'number'
      ? [value]
      : typeof value === 'string' && /^\s*\d+(\s*,\s*\d+)*\s*$/.test(value)
        ? value.split(',').map(Number)
        : value;
  if (!Array.isArray(list) || (list.length === 0 && !spec.allowEmpty)) return undefined;
  const min = spec.min ?? 1;
  return list.every((u) => typeof u === 'number' && Number.isInteger(u) && u >= min) ? [...list] : undefined;
}

/** The value, checked (and an integer list normalised), or undefined when the spec refuses it. */
function checkValue(spec: OptionSpec, value: unknown): { ok: true; value: unknown } | { ok: false } {
  switch (spec.type) {
    case 'number':
      return typeof value === 'number' && numberOk(spec, value) ? { ok: true, value } : { ok: false };
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false };
    case 'choice':
      return (spec.values as readonly unknown[]).includes(value) ? { ok: true, value } : { ok: false };
    case 'integers': {
      const list = integerList(spec, value);
      return list ? { ok: true, value: list } : { ok: false };
    }
  }
}

/**
 * Checks options against their spec and returns them normalised. An unknown key, a value of the wrong type or out
 * of range is a `StewardInputError` naming the owner, the key and what is allowed. Absent keys stay absent.
 */
export function checkOptions<O extends object = Record<string, unknown>>(
  owner: string,
  spec: OptionsSpec<O> | AnyOptionsSpec,
  input: unknown,
): O {
  if (input === undefined || input === null) return {} as O;
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new StewardInputError(`${owner} options must be an object of option: value`, 'options');
  }
  const specs = spec as AnyOptionsSpec;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const one = Object.hasOwn(specs, key) ? specs[key] : undefined;
    if (!one) {
      throw new StewardInputError(
        `${owner} has no option '${key}': its options are ${Object.keys(specs).join(', ')}`,
        key,
      );
    }
    if (value === undefined) continue;
    const checked = checkValue(one, value);
    if (!checked.ok) {
      throw new StewardInputError(
        `${owner} option ${key} must be ${allowedValues(one)}, got ${describe(value)}`,
        key,
      );
    }
    out[key] = checked.value;
  }
  return out as O;
}

/** The defaults with the checked options on top: what a constructor keeps. */
export function resolveOptions<O extends object>(
  owner: string,
  spec: OptionsSpec<O>,
  defaults: Required<O>,
  input: O | undefined,
): Required<O> {
  return { ...defaults, ...checkOptions(owner, spec, input) };
}
