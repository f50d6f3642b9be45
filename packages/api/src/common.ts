// Pieces every route's description shares: path parameters, times, class values and the error answer.
import { z } from 'zod';

export const isoTime = z.iso.datetime().describe('ISO 8601 time (UTC)');
export const epochMs = z.number().int().describe('epoch milliseconds');
export const timeInput = z
  .union([z.string(), z.number().int()])
  .describe('ISO 8601 time or epoch milliseconds');
export const classValue = z.union([z.string(), z.number()]);

export const errorDetail = z.looseObject({
  field: z.string(),
  message: z.string(),
  row: z.number().int().optional(),
});

/** Every error answer: `{ error: { code, message, details? } }` (see DomainError). */
export const errorBody = z.object({
  error: z.object({
    code: z.string().describe('stable, for programs: invalid_model, not_found, invalid_batch, …'),
    message: z.string().describe('what is wrong and what to do'),
    details: z.array(errorDetail).optional(),
  }),
});

export const modelParams = z.object({ name: z.string().describe('the model name') });
export const versionParams = modelParams.extend({ version: z.string().describe('a version number') });
export const aliasParams = modelParams.extend({ alias: z.enum(['production', 'candidate', 'shadow']) });
export const idParams = z.object({ id: z.string() });
export const runParams = modelParams.extend({ id: z.string().describe('an update run id') });

export const rangeQuery = z.object({
  from: z.string().optional().describe('ISO time or epoch ms (default: 7 days before to)'),
  to: z.string().optional().describe('ISO time or epoch ms (default: now)'),
});
