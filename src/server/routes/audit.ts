// GET /v1/audit: the audit log, newest first, for supervisors.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appendAudit, listAudit } from '../../store/audit.ts';
import { errorBodySchema } from '../errors.ts';
import { justificationHeaders } from '../schemas.ts';

const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date());

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/audit',
    {
      config: { permission: 'audit:read' },
      schema: {
        summary: 'Audit log entries (who, when, what, justification), newest first; page with ?before=ID',
        tags: ['audit'],
        security: [{ bearerAuth: [] }],
        headers: justificationHeaders,
        querystring: z.object({
          actor: z.string().max(128).optional(),
          action: z.string().max(64).optional(),
          target: z.string().max(128).optional(),
          since: isoDate.optional(),
          before: z.coerce.number().int().positive().max(2_147_483_647).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: {
          200: z.object({
            entries: z.array(
              z.object({
                id: z.number(),
                at: z.string(),
                actor: z.string(),
                role: z.string().nullable(),
                action: z.string(),
                target: z.string().nullable(),
                justification: z.string().nullable(),
                details: z.record(z.string(), z.unknown()),
              }),
            ),
          }),
          '4xx': errorBodySchema,
        },
      },
    },
    async (request) => {
      const entries = await listAudit(app.store.db, request.query);
      // Reading the audit log is itself audited.
      await appendAudit(app.store.db, {
        actor: request.principal.name,
        role: request.principal.role,
        action: 'audit.read',
        justification: request.headers['x-justification'] ?? null,
        details: { filter: request.query, returned: entries.length },
      });
      return { entries: entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() })) };
    },
  );
};
