// GET /v1/export/decisions: reviewer decisions as labelled JSONL (datasets/schema.ts), audited.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appendAudit } from '../../store/audit.ts';
import { exportDecisions } from '../../store/export.ts';
import { errorBodySchema } from '../errors.ts';
import { justificationHeaders } from '../schemas.ts';

export const exportRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/export/decisions',
    {
      config: { permission: 'export' },
      schema: {
        summary: 'The latest decision on each record as labelled JSONL (label_stalking, label_s4a); needs_more_information is left out',
        tags: ['export'],
        security: [{ bearerAuth: [] }],
        headers: justificationHeaders,
        querystring: z.object({ since: z.iso.datetime({ offset: true }).or(z.iso.date()).optional() }),
        response: { 200: z.string().describe('application/x-ndjson, one labelled record per line'), '4xx': errorBodySchema },
      },
    },
    async (request, reply) => {
      const exported = await exportDecisions(app.store.db, { since: request.query.since });
      await appendAudit(app.store.db, {
        actor: request.principal.name,
        role: request.principal.role,
        action: 'export.decisions',
        justification: request.headers['x-justification'] ?? null,
        details: { since: request.query.since ?? null, count: exported.lines.length, skipped: exported.skipped, ids: exported.recordIds },
      });
      const body = exported.lines.map((l) => JSON.stringify(l)).join('\n') + (exported.lines.length ? '\n' : '');
      return reply.type('application/x-ndjson; charset=utf-8').header('content-disposition', 'attachment; filename="decisions.jsonl"').send(body);
    },
  );
};
