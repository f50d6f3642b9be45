import { describe, expectTypeOf, test } from 'vitest';
import type { z } from 'zod';
import type * as Api from '../../server/src/http/api/responses.js';
import type * as Server from '../../server/src/registry/version-records.js';
import type { UpdateRun } from '../../server/src/update/run-record.js';
import type * as Client from './types.js';

// The client depends on nothing, so its types are written out; these compile-time checks hold them to the zod
// schemas the server's OpenAPI document and answers come from (`npm test` type-checks them): a change on one side
// that the other does not follow fails the build.
type Answer<K extends keyof typeof Api> = z.output<(typeof Api)[K]>;

describe('client types match what the server sends', () => {
  test('registry records', () => {
    expectTypeOf<Client.AliasChange>().toEqualTypeOf<Server.AliasChange>();
    expectTypeOf<Client.AliasChange>().toEqualTypeOf<Answer<'aliasChangeView'>>();
    expectTypeOf<Client.Alias>().toEqualTypeOf<Server.Alias>();
    expectTypeOf<Server.ModelVersion>().toExtend<Client.ModelVersion>();
    expectTypeOf<Answer<'modelVersion'>>().toEqualTypeOf<Client.ModelVersion>();
  });

  test('update runs', () => {
    expectTypeOf<UpdateRun>().toExtend<Client.UpdateRunView>();
    expectTypeOf<Client.UpdateRunView['status']>().toEqualTypeOf<UpdateRun['status']>();
    expectTypeOf<Client.UpdateRunView['trigger']['kind']>().toEqualTypeOf<UpdateRun['trigger']['kind']>();
    expectTypeOf<Answer<'updateRun'>['status']>().toEqualTypeOf<Client.UpdateRunView['status']>();
    expectTypeOf<Answer<'updateRun'>['steps']>().toEqualTypeOf<Client.UpdateRunView['steps']>();
  });

  test('monitoring answers', () => {
    expectTypeOf<Answer<'checkResults'>[number]>().toEqualTypeOf<Client.CheckResultView>();
    expectTypeOf<Answer<'served'>[number]>().toEqualTypeOf<Client.ServedVersionView>();
    expectTypeOf<Answer<'windowView'>>().toExtend<Client.WindowView>();
    expectTypeOf<Answer<'alertView'>>().toExtend<Client.AlertView>();
    expectTypeOf<Answer<'modelHealth'>['status']>().toEqualTypeOf<Client.ModelHealth['status']>();
    expectTypeOf<Answer<'modelHealth'>>().toExtend<Client.ModelHealth>();
  });

  test('ingest and serving answers', () => {
    expectTypeOf<Answer<'predictionsStored'>>().toEqualTypeOf<Client.PredictionBatchResult>();
    expectTypeOf<Answer<'labelsStored'>>().toEqualTypeOf<Client.LabelBatchResult>();
    expectTypeOf<Answer<'predictionView'>>().toEqualTypeOf<Client.PredictionView>();
  });
});
