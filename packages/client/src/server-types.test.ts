import type * as Api from '@steward/api';
import { describe, expectTypeOf, test } from 'vitest';
import type * as Server from '../../server/src/registry/version-records.js';
import type { UpdateRun } from '../../server/src/update/run-record.js';
import type * as Client from './types.js';

// The SDK's answer types are @steward/api's, inferred from the schemas the server's answers are checked with; the
// server's own records must fit them, or the build fails (`npm test` type-checks this file).
describe('the server records fit the API types the SDK uses', () => {
  test('registry records', () => {
    expectTypeOf<Server.AliasChange>().toEqualTypeOf<Api.AliasChange>();
    expectTypeOf<Server.ModelVersion>().toExtend<Api.ModelVersion>();
    expectTypeOf<Client.ModelVersion>().toEqualTypeOf<Api.ModelVersion>();
  });

  test('update runs', () => {
    expectTypeOf<UpdateRun>().toExtend<Api.UpdateRunView>();
    expectTypeOf<Api.UpdateRunView['status']>().toEqualTypeOf<UpdateRun['status']>();
    expectTypeOf<Api.UpdateRunView['steps']>().toEqualTypeOf<UpdateRun['steps']>();
  });
});
