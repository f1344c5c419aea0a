// Liveness and readiness (database and screener).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/healthz',
    { schema: { summary: 'Liveness: the process is serving', tags: ['operations'], response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  const readiness = z.object({
    status: z.enum(['ready', 'not_ready']),
    database: z.enum(['ok', 'error']),
    screener: z.enum(['ok', 'loading', 'error']),
    backend: z.string(),
    versions: z.record(z.string(), z.string()).optional(),
    /** Why the screener is not ready (e.g. a missing or corrupt model directory). */
    screener_error: z.string().optional(),
  });
  app.get(
    '/readyz',
    { schema: { summary: 'Readiness: database reachable and screener loaded', tags: ['operations'], response: { 200: readiness, 503: readiness } } },
    async (_request, reply) => {
      let database: 'ok' | 'error' = 'ok';
      let timer: NodeJS.Timeout | undefined;
      try {
        // A database that hangs is as unready as one that refuses.
        await Promise.race([app.store.ping(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 2000)))]);
      } catch {
        database = 'error';
      } finally {
        clearTimeout(timer);
      }
      const holder = app.screenerHolder;
      const screener = holder.ready ? 'ok' : holder.error ? 'error' : 'loading';
      const ready = database === 'ok' && screener === 'ok';
      return reply.code(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'not_ready',
        database,
        screener,
        backend: app.store.backend,
        ...(holder.ready ? { versions: { ...holder.get().versions } } : {}),
        ...(holder.error ? { screener_error: holder.error.message } : {}),
      });
    },
  );
};
