// Prometheus metrics at /metrics: requests, latency, flags raised, queue depth and oldest age.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { registerDriftMetrics } from '../../jobs/drift.ts';
import type { Store } from '../../store/database.ts';
import { queueStats } from '../../store/queue.ts';
import { authPlugin } from './auth.ts';

export interface Metrics {
  registry: Registry;
  flagsRaised: Counter<'flag'>;
  recordsIngested: Counter<'status'>;
  ingestTransactionRequests: Histogram;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

export const metricsPlugin = fp(async (app: FastifyInstance, opts: { store: Store }) => {
  // A registry per app, so several apps in one process (tests) do not collide.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const flagsRaised = new Counter({ name: 'screener_flags_raised_total', help: 'Flags raised on stored records, by code', labelNames: ['flag'] as const, registers: [registry] });
  const recordsIngested = new Counter({
    name: 'records_ingested_total',
    help: 'Records received, by outcome (created, updated, unchanged)',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const ingestTransactionRequests = new Histogram({
    name: 'ingest_transaction_requests',
    help: 'Ingest requests per database transaction (more than one when requests arrive while the database is busy)',
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [registry],
  });
  // Queue figures are read from the database at scrape time, so every instance reports the truth.
  let stats: Promise<Awaited<ReturnType<typeof queueStats>>> | undefined;
  const readStats = () => (stats ??= queueStats(opts.store.db).finally(() => setTimeout(() => (stats = undefined), 0)));
  new Gauge({
    name: 'review_queue_depth',
    help: 'Queue items awaiting a decision',
    registers: [registry],
    async collect() {
      this.set((await readStats()).depth);
    },
  });
  new Gauge({
    name: 'review_queue_oldest_age_seconds',
    help: 'Age of the oldest item awaiting a decision',
    registers: [registry],
    async collect() {
      this.set((await readStats()).oldestAgeSeconds);
    },
  });
  new Gauge({
    name: 'review_queue_overdue',
    help: 'Items awaiting a decision past their due time',
    registers: [registry],
    async collect() {
      this.set((await readStats()).overdue);
    },
  });

  // Drift (src/jobs/drift.ts): flag rates, scores and indicators by day and screener version.
  registerDriftMetrics(registry, opts.store.db, app.config?.driftAlertRatio ?? 1.5);

  app.decorate('metrics', { registry, flagsRaised, recordsIngested, ingestTransactionRequests });

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL: one series per route, not one per record id.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
});

/**
 * GET /metrics in its own scope: behind an admin key by default, as Prometheus deployments expect
 * (scrape with `authorization: { credentials: KEY }`); METRICS_AUTH=open leaves it open for a
 * deployment whose port only a loopback scraper can reach. Flag rates, score distributions and
 * indicator frequencies are not for everyone who can reach the port.
 */
export const metricsRoute = async (app: FastifyInstance, opts: { store: Store; auth: 'admin' | 'open' }) => {
  if (opts.auth === 'admin') await app.register(authPlugin, { store: opts.store });
  app.get('/metrics', { schema: { hide: true }, config: { permission: 'metrics:read' } }, async (_request, reply) => {
    const body = await app.metrics.registry.metrics();
    return reply.type(app.metrics.registry.contentType).send(body);
  });
};
