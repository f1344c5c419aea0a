// POST /v1/screen: screen one record or a batch without storing anything.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ScreeningRecord, ScreeningResult } from '../../screening/types.ts';
import { ApiError, errorBodySchema } from '../errors.ts';
import { type ParsedRecords, recordsBodyDocSchema, plainJsonSerializerCompiler, recordsBodyValidatorCompiler, resultJson, screeningResultSchema } from '../schemas.ts';

export const screenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/screen',
    {
      config: { permission: 'screen' },
      validatorCompiler: recordsBodyValidatorCompiler,
      serializerCompiler: plainJsonSerializerCompiler,
      schema: {
        summary: 'Screen one record, or { records: [...] } (up to 1,000), without storing anything',
        tags: ['screening'],
        security: [{ bearerAuth: [] }],
        body: recordsBodyDocSchema,
        response: {
          200: z.union([screeningResultSchema, z.object({ results: z.array(screeningResultSchema) })]),
          '4xx': errorBodySchema,
          503: errorBodySchema,
        },
      },
    },
    async (request) => {
      const { records, batch } = request.body as unknown as ParsedRecords;
      const screener = app.screenerHolder.get();
      const results: ScreeningResult[] = [];
      for (let i = 0; i < records.length; i++) {
        try {
          results.push(await screener.screen(records[i] as ScreeningRecord));
        } catch {
          // Nothing is stored here, so the client is told which record could not be screened.
          throw new ApiError(422, 'SCREENING_FAILED', 'the screener could not process this record', batch ? `records.${i}` : 'text');
        }
      }
      return batch ? { results: results.map(resultJson) } : resultJson(results[0]!);
    },
  );
};
