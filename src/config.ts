// Service configuration: environment variables, validated once at start (a typo should stop the
// service with a clear message, not surface later as odd behaviour) and printed with secrets masked.
import { z } from 'zod';

// An empty variable (FOO= in a unit file or compose file) means "use the default", not 0 or "".
const unsetIfEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const num = (schema: z.ZodNumber, fallback: number) => z.preprocess(unsetIfEmpty, z.coerce.number().pipe(schema).default(fallback));
const str = (fallback: string) => z.preprocess(unsetIfEmpty, z.string().default(fallback));

const envSchema = z.object({
  HOST: str('127.0.0.1'),
  PORT: num(z.number().int().min(0).max(65535), 8080),
  DATABASE_URL: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  DATA_DIR: str('./data'),
  // DOMAIN §7: flags must reach a reviewer within hours, at most 24 h.
  REVIEW_DUE_HOURS: num(z.number().positive().max(24 * 30), 24),
  // Fractions are allowed so tests can watch a lock expire without waiting minutes.
  LOCK_MINUTES: num(z.number().positive().max(24 * 60), 15),
  RETENTION_DAYS: num(z.number().int().positive(), 730),
  // Requests per minute per API key.
  RATE_LIMIT: num(z.number().int().positive(), 1200),
  // Bytes. 5 MiB fits a batch of 1,000 typical records; larger batches should be split.
  BODY_LIMIT: num(z.number().int().min(1024).max(200 * 1024 * 1024), 5 * 1024 * 1024),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  // combined: the rules and the text model (the default); rules: the rules alone; hybrid: rules and GloVe semantic indicators.
  SCREENER_MODE: z.preprocess(unsetIfEmpty, z.enum(['combined', 'rules', 'hybrid']).default('combined')),
  // Stalking flag threshold and priority band, overriding the model file's recall-first choices (0..1).
  STALKING_THRESHOLD: z.preprocess(unsetIfEmpty, z.coerce.number().min(0).max(1).optional()),
  PRIORITY_THRESHOLD: z.preprocess(unsetIfEmpty, z.coerce.number().min(0).max(1).optional()),
  // /metrics needs an admin key unless set to "open" (e.g. when only a loopback scraper can reach the port).
  METRICS_AUTH: z.preprocess(unsetIfEmpty, z.enum(['admin', 'open']).default('admin')),
  // Combined and rules modes: screen on a worker thread (src/screening/threaded.ts), off the request thread.
  SCREENING_THREAD: z.preprocess(unsetIfEmpty, z.enum(['on', 'off']).default('on')),
  // Drift: alert when a day's rate or mean differs from the preceding days' by this factor, either way.
  DRIFT_ALERT_RATIO: num(z.number().gt(1).max(1000), 1.5),
  /** Seals console session cookies; set it (32+ characters) so sessions survive restarts and span instances. */
  CONSOLE_SECRET: z.preprocess(unsetIfEmpty, z.string().min(32).optional()),
  /** Mark console cookies Secure (behind a TLS-terminating proxy). */
  CONSOLE_SECURE_COOKIES: z.preprocess(unsetIfEmpty, z.enum(['true', 'false']).optional()),
});

export interface Config {
  host: string;
  port: number;
  /** PostgreSQL when set; otherwise embedded PGlite in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  reviewDueHours: number;
  lockMinutes: number;
  retentionDays: number;
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  screenerMode: 'combined' | 'rules' | 'hybrid';
  /** Overrides of the stalking flag threshold and the priority band (undefined: the model file's). */
  stalkingThreshold: number | undefined;
  priorityThreshold: number | undefined;
  metricsAuth: 'admin' | 'open';
  screeningThread: boolean;
  driftAlertRatio: number;
  consoleSecret: string | undefined;
  consoleSecureCookies: boolean | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    // Name the variable and the rule, never echo the value (it may be a secret).
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    reviewDueHours: e.REVIEW_DUE_HOURS,
    lockMinutes: e.LOCK_MINUTES,
    retentionDays: e.RETENTION_DAYS,
    rateLimitPerMinute: e.RATE_LIMIT,
    bodyLimitBytes: e.BODY_LIMIT,
    logLevel: e.LOG_LEVEL,
    screenerMode: e.SCREENER_MODE,
    stalkingThreshold: e.STALKING_THRESHOLD,
    priorityThreshold: e.PRIORITY_THRESHOLD,
    metricsAuth: e.METRICS_AUTH,
    screeningThread: e.SCREENING_THREAD === 'on',
    driftAlertRatio: e.DRIFT_ALERT_RATIO,
    consoleSecret: e.CONSOLE_SECRET,
    consoleSecureCookies: e.CONSOLE_SECURE_COOKIES === undefined ? undefined : e.CONSOLE_SECURE_COOKIES === 'true',
  };
}

/** The password in a connection URL replaced by ****, for printing. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return '****';
  }
}

/** The configuration as printable name=value pairs, secrets masked. */
export function describeConfig(config: Config): Record<string, string | number> {
  return {
    HOST: config.host,
    PORT: config.port,
    DATABASE_URL: config.databaseUrl ? maskUrl(config.databaseUrl) : '(unset: embedded PGlite)',
    DATA_DIR: config.dataDir,
    REVIEW_DUE_HOURS: config.reviewDueHours,
    LOCK_MINUTES: config.lockMinutes,
    RETENTION_DAYS: config.retentionDays,
    RATE_LIMIT: config.rateLimitPerMinute,
    BODY_LIMIT: config.bodyLimitBytes,
    LOG_LEVEL: config.logLevel,
    SCREENER_MODE: config.screenerMode,
    STALKING_THRESHOLD: config.stalkingThreshold === undefined ? '(model file)' : String(config.stalkingThreshold),
    PRIORITY_THRESHOLD: config.priorityThreshold === undefined ? '(model file)' : String(config.priorityThreshold),
    METRICS_AUTH: config.metricsAuth,
    SCREENING_THREAD: config.screeningThread ? 'on' : 'off',
    DRIFT_ALERT_RATIO: config.driftAlertRatio,
    CONSOLE_SECRET: config.consoleSecret ? '****' : '(unset: random per start; console sessions end on restart)',
  };
}
