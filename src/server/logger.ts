// Logging: requests are logged by method, route and status only. Bodies are never logged (they hold
// narratives and personal references), and redaction catches them if someone logs an object anyway.
import type { FastifyRequest } from 'fastify';
import pino, { type DestinationStream, type Logger } from 'pino';

// Field names that may carry narrative text, personal references or secrets, wherever they appear.
const SENSITIVE = [
  'text', 'body', 'payload', 'record', 'records', 'result', 'reason', 'rationale', 'narrative',
  'victim_ref', 'suspect_ref', 'recommendation', 'spans', 'indicators', 'key', 'authorization', 'password',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  ...SENSITIVE,
  ...SENSITIVE.map((k) => `*.${k}`),
  ...SENSITIVE.map((k) => `*.*.${k}`),
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        // The path without the query string: queries may carry filters but nothing a log needs.
        req: (req: FastifyRequest) => ({ method: req.method, url: req.url.split('?')[0], route: req.routeOptions?.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        // Errors as type, code and stack only: driver errors can carry parameter values in `detail`.
        err: (err: Error & { code?: string; statusCode?: number }) => ({ type: err.name, code: err.code, statusCode: err.statusCode, stack: err.stack }),
      },
    },
    destination,
  );
}
