// The review queue: list, claim (expiring lock), release, decide.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appendAudit } from '../../store/audit.ts';
import { claimItem, decideItem, getItem, listQueue, releaseItem, type QueueItem } from '../../store/queue.ts';
import { touchRecord } from '../../store/records.ts';
import { DECISIONS } from '../../store/schema.ts';
import { can } from '../plugins/auth.ts';
import { ApiError, errorBodySchema } from '../errors.ts';
import { FLAG_CODES } from '../schemas.ts';

const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());

export const queueItemSchema = z
  .object({
    id: z.number(),
    record_id: z.string(),
    record_version: z.number(),
    status: z.enum(['open', 'claimed', 'decided']),
    flags: z.array(z.string()),
    risk_level: z.string(),
    linked: z.boolean(),
    priority: z.number().describe('from risk, flags and scores'),
    effective_priority: z.number().describe('priority plus one point per hour waiting (up to 48)'),
    due_at: z.string(),
    overdue: z.boolean(),
    queued_at: z.string(),
    claimed_by: z.string().nullable(),
    lock_expires_at: z.string().nullable(),
    stalking_score: z.number(),
    s4a_score: z.number(),
    linked_record_ids: z.array(z.string()),
  })
  .meta({ id: 'QueueItem' });

export function toQueueItemJson(i: QueueItem): z.infer<typeof queueItemSchema> {
  return {
    id: i.id,
    record_id: i.record_id,
    record_version: i.record_version,
    status: i.status,
    flags: i.flags,
    risk_level: i.risk_level,
    linked: i.linked,
    priority: i.priority,
    effective_priority: i.effective_priority,
    due_at: iso(i.due_at)!,
    overdue: i.overdue,
    queued_at: iso(i.queued_at)!,
    claimed_by: i.claimed_by,
    lock_expires_at: iso(i.lock_expires_at),
    stalking_score: i.stalking_score,
    s4a_score: i.s4a_score,
    linked_record_ids: i.linked_record_ids,
  };
}

const itemParams = z.object({ itemId: z.coerce.number().int().positive().max(2_147_483_647) });
const common = { tags: ['queue'], security: [{ bearerAuth: [] }] };
const notFound = () => new ApiError(404, 'ITEM_NOT_FOUND', 'no queue item with this id', 'itemId');

export const queueRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/queue',
    {
      config: { permission: 'queue:read' },
      schema: {
        ...common,
        summary: 'The review queue, highest priority first',
        querystring: z.object({
          status: z.enum(['pending', 'open', 'claimed', 'decided', 'all']).default('pending').describe('pending = open or claimed'),
          flag: z.enum(FLAG_CODES).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
        }),
        response: { 200: z.object({ total: z.number(), items: z.array(queueItemSchema) }), '4xx': errorBodySchema },
      },
    },
    async (request) => {
      const { items, total } = await listQueue(app.store.db, request.query);
      return { total, items: items.map(toQueueItemJson) };
    },
  );

  app.post(
    '/queue/:itemId/claim',
    {
      config: { permission: 'queue:review' },
      schema: {
        ...common,
        summary: 'Claim an item for review; the claim expires after LOCK_MINUTES (claiming again extends it)',
        params: itemParams,
        response: { 200: queueItemSchema, '4xx': errorBodySchema },
      },
    },
    async (request) => {
      const { itemId } = request.params;
      const outcome = await claimItem(app.store.db, itemId, request.principal.name, app.config.lockMinutes);
      if (!outcome.ok) {
        if (outcome.reason === 'not_found') throw notFound();
        if (outcome.reason === 'decided') throw new ApiError(409, 'ITEM_DECIDED', 'this item has already been decided', 'itemId');
        throw new ApiError(409, 'ITEM_LOCKED', `claimed by another reviewer until ${iso(outcome.item?.lock_expires_at)}`, 'itemId');
      }
      await appendAudit(app.store.db, {
        actor: request.principal.name,
        role: request.principal.role,
        action: 'queue.claim',
        target: outcome.item.record_id,
        details: { item_id: itemId, lock_expires_at: iso(outcome.item.lock_expires_at) },
      });
      return toQueueItemJson(outcome.item);
    },
  );

  app.post(
    '/queue/:itemId/release',
    {
      config: { permission: 'queue:review' },
      schema: {
        ...common,
        summary: 'Give a claim back (supervisors may release anyone’s)',
        params: itemParams,
        response: { 200: queueItemSchema, '4xx': errorBodySchema },
      },
    },
    async (request) => {
      const { itemId } = request.params;
      const outcome = await releaseItem(app.store.db, itemId, request.principal.name, can(request, 'queue:release-any'));
      if (!outcome.ok) {
        if (outcome.reason === 'not_found') throw notFound();
        throw new ApiError(409, 'NOT_CLAIM_HOLDER', 'you do not hold a live claim on this item', 'itemId');
      }
      await appendAudit(app.store.db, {
        actor: request.principal.name,
        role: request.principal.role,
        action: 'queue.release',
        target: outcome.item.record_id,
        details: { item_id: itemId },
      });
      return toQueueItemJson(outcome.item);
    },
  );

  app.post(
    '/queue/:itemId/decision',
    {
      config: { permission: 'queue:review' },
      schema: {
        ...common,
        summary: 'Record a decision on an item you hold a claim on',
        params: itemParams,
        body: z.object({
          decision: z.enum(DECISIONS),
          reason: z.string().trim().min(1, 'a reason is required').max(4000),
          recommended_classification: z.string().trim().min(1).max(200).optional().describe('e.g. "Stalking s4A"'),
        }),
        response: {
          200: z.object({
            decision: z.object({
              id: z.number(),
              item_id: z.number(),
              record_id: z.string(),
              record_version: z.number(),
              decision: z.enum(DECISIONS),
              recommended_classification: z.string().nullable(),
              decided_by: z.string(),
            }),
            item: queueItemSchema,
          }),
          '4xx': errorBodySchema,
        },
      },
    },
    async (request) => {
      const { itemId } = request.params;
      const body = request.body;
      const who = request.principal;
      const outcome = await app.store.transaction(async (trx) => {
        const decided = await decideItem(trx, itemId, who.name, {
          decision: body.decision,
          reason: body.reason,
          recommendedClassification: body.recommended_classification ?? null,
        });
        if (decided.ok) {
          await touchRecord(trx, decided.recordId);
          await appendAudit(trx, {
            actor: who.name,
            role: who.role,
            action: 'queue.decision',
            target: decided.recordId,
            justification: body.reason,
            details: { item_id: itemId, decision_id: decided.decisionId, decision: body.decision, record_version: decided.recordVersion },
          });
        }
        return decided;
      });
      if (!outcome.ok) {
        if (outcome.reason === 'not_found') throw notFound();
        if (outcome.reason === 'decided') throw new ApiError(409, 'ITEM_DECIDED', 'this item has already been decided', 'itemId');
        throw new ApiError(409, 'CLAIM_REQUIRED', 'claim the item first (or your claim has expired)', 'itemId');
      }
      const item = await getItem(app.store.db, itemId);
      if (!item) throw notFound();
      return {
        decision: {
          id: outcome.decisionId,
          item_id: itemId,
          record_id: outcome.recordId,
          record_version: outcome.recordVersion,
          decision: body.decision,
          recommended_classification: body.recommended_classification ?? null,
          decided_by: who.name,
        },
        item: toQueueItemJson(item),
      };
    },
  );
};
