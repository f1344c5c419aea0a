// buildApp(config) assembles the API; listening is the caller's business (serve.ts, tests use inject).
import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { DestinationStream, Logger } from 'pino';
import type { Config } from '../config.ts';
import { createScreener } from '../screening/factory.ts';
import type { Screener } from '../screening/types.ts';
import { openStore, type Store } from '../store/database.ts';
import { errorBody, errorsPlugin } from './errors.ts';
import { IngestWriter } from './ingest.ts';
import { createLogger } from './logger.ts';
import { authPlugin, bearerToken } from './plugins/auth.ts';
import { metricsPlugin, metricsRoute } from './plugins/metrics.ts';
import { auditRoutes } from './routes/audit.ts';
import { exportRoutes } from './routes/export.ts';
import { healthRoutes } from './routes/health.ts';
import { queueRoutes } from './routes/queue.ts';
import { recordRoutes } from './routes/records.ts';
import { screenRoutes } from './routes/screen.ts';
import { ScreenerHolder } from './screener.ts';
import { consolePlugin } from '../console/plugin.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    store: Store;
    screenerHolder: ScreenerHolder;
    ingestWriter: IngestWriter;
  }
}

export interface AppDeps {
  /** An open store; otherwise one is opened from config (and closed with the app). */
  store?: Store;
  /** A screener, or how to make one; otherwise createScreener({ mode: config.screenerMode }). */
  screener?: Screener | (() => Promise<Screener>);
  /** Where logs go (tests capture them); default stdout. */
  logStream?: DestinationStream;
  logger?: Logger;
  /** Load shedding (503 while the event loop lags); false turns it off (tests). */
  loadShedding?: { maxEventLoopDelayMs: number; sampleIntervalMs?: number } | false;
}

// Rate limits are per API key (a hash of it, so the key itself is never a map key in memory dumps);
// requests without a key fall back to the client address.
function rateKey(request: FastifyRequest): string {
  const token = bearerToken(request);
  return token ? `key:${createHash('sha256').update(token).digest('hex').slice(0, 32)}` : `ip:${request.ip}`;
}

export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const logger = deps.logger ?? createLogger(config.logLevel, deps.logStream);
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: config.bodyLimitBytes,
    // Fastify's default 503 on closing, so in-flight requests finish during a graceful shutdown.
    return503OnClosing: true,
    // Record ids may contain any character, so long ids must not be cut short by the router.
    routerOptions: { maxParamLength: 512 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Clients often send Content-Type: application/json with no body on claim/release: treat as no body.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  // JSON only: a text/plain body would otherwise reach validation and get a confusing 400, not a 415.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') return done(null, undefined);
    defaultJson(request, body as string, done);
  });

  const ownStore = !deps.store;
  const store = deps.store ?? (await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  const makeScreener =
    typeof deps.screener === 'function'
      ? deps.screener
      : deps.screener
        ? () => Promise.resolve(deps.screener as Screener)
        : () =>
            createScreener({
              mode: config.screenerMode,
              thread: config.screeningThread,
              thresholds: {
                ...(config.stalkingThreshold !== undefined ? { stalking: config.stalkingThreshold } : {}),
                ...(config.priorityThreshold !== undefined ? { priority: config.priorityThreshold } : {}),
              },
            });
  const screenerHolder = new ScreenerHolder(makeScreener);
  screenerHolder.loading.then(() => {
    if (screenerHolder.error) logger.error({ err: screenerHolder.error }, 'screener failed to load');
  });

  app.decorate('config', config);
  app.decorate('store', store);
  app.decorate('screenerHolder', screenerHolder);
  app.decorate('ingestWriter', new IngestWriter(store, config, (requests) => app.metrics.ingestTransactionRequests.observe(requests)));
  app.addHook('onClose', async () => {
    await screenerHolder.close();
    if (ownStore) await store.close();
  });

  await app.register(errorsPlugin);
  await app.register(metricsPlugin, { store });
  // Shed load on event-loop delay only: high utilisation is normal under load (the thread waits on
  // the database and the screening thread in between) and would reject work that would still succeed.
  const shedding = deps.loadShedding ?? { maxEventLoopDelayMs: 1000 };
  if (shedding) {
    // Loading the screener blocks the loop once at start; that lag is not load, so it is ignored
    // until a few samples after the screener is ready.
    let startupUntil = Number.POSITIVE_INFINITY;
    void screenerHolder.loading.then(() => (startupUntil = Date.now() + 3 * (shedding.sampleIntervalMs ?? 1000)));
    await app.register(underPressure, {
      maxEventLoopDelay: shedding.maxEventLoopDelayMs,
      ...(shedding.sampleIntervalMs ? { sampleInterval: shedding.sampleIntervalMs } : {}),
      retryAfter: 5,
      pressureHandler: (_request, reply) => {
        if (Date.now() < startupUntil) return; // handled normally
        void reply.code(503).header('retry-after', '5').send(errorBody('OVERLOADED', 'the server is overloaded; retry after the time in the retry-after header'));
      },
    });
  }
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'stalking-screener API',
        description: 'Screens police incident and crime records for missed stalking and the s4A offence; stores, links and queues flagged records for human review.',
        version: '0.1.0',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'an API key from `stalking-screener keys create`' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(healthRoutes);
  await app.register(metricsRoute, { store, auth: config.metricsAuth });

  await app.register(
    async (v1) => {
      await v1.register(rateLimit, {
        max: config.rateLimitPerMinute,
        timeWindow: 60_000,
        keyGenerator: rateKey,
      });
      await v1.register(authPlugin, { store });
      await v1.register(screenRoutes);
      await v1.register(recordRoutes);
      await v1.register(queueRoutes);
      await v1.register(auditRoutes);
      await v1.register(exportRoutes);
    },
    { prefix: '/v1' },
  );
  // The screening-unit console: server-rendered pages that call the /v1 routes above in-process.
  await app.register(consolePlugin, { sessionSecret: config.consoleSecret, secureCookies: config.consoleSecureCookies });
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect('/console'));
  return app as unknown as FastifyInstance;
}
