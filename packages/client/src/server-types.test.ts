import { describe, expectTypeOf, test } from 'vitest';
import type * as Server from '../../server/src/registry/version-records.js';
import type { UpdateRun } from '../../server/src/update/run-record.js';
import type * as Client from './types.js';

// The client's types are written by hand (it depends on nothing); these compile-time checks make the type check
// (`npm test` runs it) fail when the server's records change and the client's copy does not.
describe('client types match what the server sends', () => {
  test('registry records', () => {
    expectTypeOf<Client.AliasChange>().toEqualTypeOf<Server.AliasChange>();
    expectTypeOf<Client.Alias>().toEqualTypeOf<Server.Alias>();
    expectTypeOf<Server.ModelVersion>().toExtend<Client.ModelVersion>();
  });

  test('update runs', () => {
    expectTypeOf<UpdateRun>().toExtend<Client.UpdateRunView>();
    expectTypeOf<Client.UpdateRunView['status']>().toEqualTypeOf<UpdateRun['status']>();
    expectTypeOf<Client.UpdateRunView['trigger']['kind']>().toEqualTypeOf<UpdateRun['trigger']['kind']>();
  });
});
