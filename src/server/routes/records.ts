// POST /v1/records (ingest) and GET /v1/records/:id (read, audited).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appendAudit } from '../../store/audit.ts';
import { caseMembers } from '../../store/links.ts';
import { decisionsForRecord, itemForRecord } from '../../store/queue.ts';
import { getRecord, latestScreening, listVersions } from '../../store/records.ts';
import { ApiError, errorBodySchema } from '../errors.ts';
import { ingestRecords } from '../ingest.ts';
import { type ParsedRecords, justificationHeaders, recordsBodyDocSchema, plainJsonSerializerCompiler, recordsBodyValidatorCompiler, resultJson, screeningResultSchema } from '../schemas.ts';
import { queueItemSchema, toQueueItemJson } from './queue.ts';

const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());

const linkedRecordSchema = z.object({
  id: z.string(),
  version: z.number(),
  occasions_min: z.number(),
  has_behaviour: z.boolean(),
  flags: z.array(z.string()),
});

const ingestOutcomeSchema = z
  .object({
    id: z.string(),
    version: z.number(),
    status: z.enum(['created', 'updated', 'unchanged']),
    flags: z.array(z.string()),
    queue_item_id: z.number().nullable(),
    linked_records: z.array(linkedRecordSchema).describe('other records about the same victim and suspect (the case history)'),
    linked_pattern: z.object({ occasions_total: z.number(), records_with_behaviour: z.number() }).nullable(),
    result: screeningResultSchema,
  })
  .meta({ id: 'IngestOutcome' });

export const recordRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/records',
    {
      config: { permission: 'records:write' },
      validatorCompiler: recordsBodyValidatorCompiler,
      serializerCompiler: plainJsonSerializerCompiler,
      schema: {
        summary: 'Ingest one record or a batch (up to 1,000, one transaction): store, screen, link and queue when flagged',
        description: 'Idempotent on id: the same payload again is a no-op; a changed payload becomes a new version and is screened again.',
        tags: ['records'],
        security: [{ bearerAuth: [] }],
        body: recordsBodyDocSchema,
        response: {
          200: z.union([ingestOutcomeSchema, z.object({ count: z.number(), results: z.array(ingestOutcomeSchema) })]),
          '4xx': errorBodySchema,
          503: errorBodySchema,
        },
      },
    },
    async (request) => {
      const { records, batch } = request.body as unknown as ParsedRecords;
      const screener = app.screenerHolder.get();
      const outcomes = await ingestRecords({ store: app.store, screener, log: request.log, writer: app.ingestWriter }, records, request.principal);
      for (const o of outcomes) {
        app.metrics.recordsIngested.inc({ status: o.status });
        if (o.status !== 'unchanged') for (const flag of o.flags) app.metrics.flagsRaised.inc({ flag });
      }
      const json = outcomes.map((o) => ({ ...o, result: resultJson(o.result) }));
      return batch ? { count: json.length, results: json } : json[0]!;
    },
  );

  app.get(
    '/records/:id',
    {
      config: { permission: 'records:read' },
      schema: {
        summary: 'A stored record (current or given version) with its latest screening, queue item and review history; audited',
        tags: ['records'],
        security: [{ bearerAuth: [] }],
        params: z.object({ id: z.string().min(1).max(128) }),
        querystring: z.object({ version: z.coerce.number().int().positive().max(2_147_483_647).optional() }),
        headers: justificationHeaders,
        response: {
          200: z.object({
            id: z.string(),
            version: z.number(),
            current_version: z.number(),
            received_at: z.string(),
            record: z.record(z.string(), z.unknown()),
            versions: z.array(z.object({ version: z.number(), received_at: z.string() })),
            screening: z
              .object({
                id: z.number(),
                version: z.number(),
                trigger: z.string(),
                screened_at: z.string(),
                flags: z.array(z.string()),
                linked_record_ids: z.array(z.string()),
                result: screeningResultSchema,
              })
              .nullable(),
            linked_records: z.array(linkedRecordSchema),
            queue_item: queueItemSchema.nullable(),
            decisions: z.array(
              z.object({
                id: z.number(),
                item_id: z.number(),
                record_version: z.number(),
                decision: z.string(),
                reason: z.string(),
                recommended_classification: z.string().nullable(),
                decided_by: z.string(),
                decided_at: z.string(),
              }),
            ),
          }),
          '4xx': errorBodySchema,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { version } = request.query;
      const db = app.store.db;
      const record = await getRecord(db, id, version);
      if (!record) {
        const exists = version !== undefined && (await db.selectFrom('records').select('id').where('id', '=', id).executeTakeFirst());
        throw exists
          ? new ApiError(404, 'VERSION_NOT_FOUND', 'this record has no such version', 'version')
          : new ApiError(404, 'RECORD_NOT_FOUND', 'no record with this id', 'id');
      }
      // Audited before anything is returned: if the audit cannot be written, nothing is disclosed.
      await appendAudit(db, {
        actor: request.principal.name,
        role: request.principal.role,
        action: 'record.read',
        target: id,
        justification: request.headers['x-justification'] ?? null,
        details: { version: record.version },
      });
      const [versions, screening, item, decisions] = await Promise.all([
        listVersions(db, id),
        latestScreening(db, id),
        itemForRecord(db, id),
        decisionsForRecord(db, id),
      ]);
      // The case history follows the current version's refs, whichever version was asked for.
      const refs = await db.selectFrom('records').select(['victim_ref', 'suspect_ref']).where('id', '=', id).executeTakeFirst();
      const members = refs?.victim_ref && refs.suspect_ref ? await caseMembers(db, refs.victim_ref, refs.suspect_ref, id) : [];
      return {
        id,
        version: record.version,
        current_version: record.current_version,
        received_at: iso(record.received_at)!,
        record: record.payload,
        versions: versions.map((v) => ({ version: v.version, received_at: iso(v.received_at)! })),
        screening: screening
          ? {
              id: screening.id,
              version: screening.version,
              trigger: screening.trigger,
              screened_at: iso(screening.screened_at)!,
              flags: screening.flags,
              linked_record_ids: screening.linked_record_ids,
              result: screening.result as z.infer<typeof screeningResultSchema>,
            }
          : null,
        linked_records: members.map((m) => ({ id: m.record_id, version: m.version, occasions_min: m.occasions_min, has_behaviour: m.has_behaviour, flags: m.flags })),
        queue_item: item ? toQueueItemJson(item) : null,
        decisions: decisions.map((d) => ({ ...d, decided_at: iso(d.decided_at)! })),
      };
    },
  );
};
