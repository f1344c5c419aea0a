// One error shape for every failure (CONTRACT §4): { error: { code, message, field? } }.
// Client mistakes get a 4xx naming the field; nothing a client sends may produce a 5xx.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Seconds a client should wait before retrying (sent as Retry-After). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      field: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });

export type ErrorBody = z.infer<typeof errorBodySchema>;

export function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: field ? { code, message, field } : { code, message } };
}

/** '/records/3/text' -> 'records.3.text'; an empty path names the part of the request. */
export function fieldFromPath(instancePath: string | undefined, context: string | undefined): string {
  const path = (instancePath ?? '').replace(/^\//, '').split('/').filter(Boolean).join('.');
  return path || context || 'body';
}

// Fastify's own errors for malformed requests, mapped to the contract shape. Their messages are
// fixed strings (they never quote the request body), so they are safe to return and to log.
const FASTIFY_ERRORS: Record<string, { status: number; code: string; field: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'BODY_TOO_LARGE', field: 'body', message: 'request body is larger than the configured limit (BODY_LIMIT)' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'INVALID_JSON', field: 'body', message: 'request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'INVALID_JSON', field: 'body', message: 'request body is empty' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', field: 'content-type', message: 'send the body as application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'INVALID_CONTENT_LENGTH', field: 'content-length', message: 'content-length does not match the body' },
  FST_ERR_CTP_INVALID_TYPE: { status: 400, code: 'INVALID_CONTENT_TYPE', field: 'content-type', message: 'content-type header is invalid' },
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_URL', field: 'url', message: 'the URL is malformed' },
};

// Errors meaning the database cannot be reached right now (refused, shutting down, starting up, the
// connection dropped), as opposed to a bug: the client should retry, so 503 with Retry-After.
const DB_UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
export const DB_RETRY_AFTER_SECONDS = 5;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && DB_UNAVAILABLE_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/.test(e.message)) return true;
    if (Array.isArray((e as { errors?: unknown }).errors)) return ((e as { errors: unknown[] }).errors).some(isDatabaseUnavailable);
  }
  return false;
}

function toResponse(err: FastifyError | ApiError | Error, request: FastifyRequest): { status: number; body: ErrorBody } {
  if (err instanceof ApiError) return { status: err.statusCode, body: errorBody(err.code, err.message, err.field) };
  if (isDatabaseUnavailable(err)) {
    request.log.warn({ code: (err as { code?: string }).code }, 'database unavailable');
    return { status: 503, body: errorBody('DATABASE_UNAVAILABLE', 'the database is unavailable; nothing was stored. Retry after the time in the retry-after header') };
  }
  const e = err as FastifyError & { validationContext?: string };
  if (Array.isArray(e.validation) && e.validation.length) {
    const first = e.validation[0]!;
    const field = fieldFromPath(first.instancePath, e.validationContext);
    return { status: 400, body: errorBody('VALIDATION_FAILED', `${field}: ${first.message ?? 'is invalid'}`, field) };
  }
  const known = e.code ? FASTIFY_ERRORS[e.code] : undefined;
  if (known) return { status: known.status, body: errorBody(known.code, known.message, known.field) };
  if (e.statusCode === 429) {
    return { status: 429, body: errorBody('RATE_LIMITED', 'too many requests for this API key; retry after the time in the retry-after header', 'authorization') };
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, body: errorBody('BAD_REQUEST', 'the request was not understood', 'request') };
  }
  if (e.statusCode === 503) return { status: 503, body: errorBody('UNAVAILABLE', 'the service is not available; retry shortly') };
  request.log.error({ err }, 'unhandled error');
  return { status: 500, body: errorBody('INTERNAL', 'internal error; the request was not completed') };
}

export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toResponse(err, request);
    if (status < 500) request.log.info({ code: body.error.code, field: body.error.field }, 'request rejected');
    const retryAfter =
      body.error.code === 'DATABASE_UNAVAILABLE' ? String(DB_RETRY_AFTER_SECONDS) : err instanceof ApiError && err.retryAfter !== undefined ? String(err.retryAfter) : reply.getHeader('retry-after');
    void reply.code(status).header('content-type', 'application/json; charset=utf-8');
    if (retryAfter !== undefined) void reply.header('retry-after', retryAfter);
    return reply.send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`, 'url')),
  );
});
