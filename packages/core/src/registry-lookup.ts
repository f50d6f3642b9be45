import { StewardInputError } from './errors.js';
import { type AnyOptionsSpec, checkOptions } from './options.js';

/** What every family's registry holds: named definitions whose options are described and checked the same way. */
export interface Registered<R> {
  readonly name: string;
  readonly options: AnyOptionsSpec;
  create(options: object): R;
}

/** The definition of `name` in a family's map; an unknown name is an input error listing the known ones. */
export function lookup<D extends { readonly name: string }>(
  family: string,
  field: string,
  map: ReadonlyMap<string, D>,
  name: string,
): D {
  const found = map.get(name);
  if (!found)
    throw new StewardInputError(
      `unknown ${family} '${name}': expected one of ${[...map.keys()].join(', ')}`,
      field,
    );
  return found;
}

/** A new instance from a definition, its options checked against the definition's spec first. */
export function createChecked<R>(definition: Registered<R>, options: unknown): R {
  return definition.create(checkOptions(definition.name, definition.options, options));
}
