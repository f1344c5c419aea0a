// Zod schemas shared by several routes. The record itself is src/screening/record.ts, the one schema.
import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type RecordInput, recordObjectSchema, recordSchema } from '../screening/record.ts';
import type { ScreeningResult } from '../screening/types.ts';

export const MAX_BATCH = 1000;

export const FLAG_CODES = ['MISSED_STALKING', 'POSSIBLE_S4A', 'BREACH_AS_STALKING', 'HIGH_RISK', 'LINKED_PATTERN', 'SCREENING_FAILED'] as const;

const spanSchema = z.object({ start: z.number(), end: z.number(), text: z.string() });

export const screeningResultSchema = z
  .looseObject({
    id: z.string(),
    stalking_score: z.number(),
    stalking_flag: z.boolean(),
    stalking_priority: z.boolean().optional().describe('the score is in the priority band the queue puts first'),
    s4a_score: z.number(),
    s4a_flag: z.boolean(),
    high_risk_score: z.number().optional().describe('the combining scorer\'s probability of high risk (DOMAIN 4.3)'),
    risk_level: z.enum(['high', 'medium', 'standard']),
    flags: z.array(z.string()).describe(`flag codes: ${FLAG_CODES.join(', ')}`),
    indicators: z.array(
      z.looseObject({
        code: z.string(),
        category: z.string(),
        label: z.string(),
        spans: z.array(spanSchema),
        source: z.string().describe('rule, semantic or model'),
        contribution: z.number().optional().describe('model evidence: what the clause added to the log-odds'),
        reason: z.string().optional(),
      }),
    ),
    four: z.looseObject({ fixated: z.number(), obsessive: z.number(), unwanted: z.number(), repeated: z.number() }),
    course_of_conduct: z.looseObject({ occasions_min: z.number(), evidence: z.array(z.unknown()) }),
    recommendation: z.string(),
    versions: z.looseObject({ rules: z.string(), model: z.string(), scorer: z.string() }),
  })
  .meta({ id: 'ScreeningResult', description: 'CONTRACT §2' });

export const recordDocSchema = recordObjectSchema.meta({ id: 'Record', description: 'CONTRACT §1; unknown fields are kept' });

/** The documented body of /v1/screen and /v1/records: one record or { records: [...] }. */
export const recordsBodyDocSchema = z.union([
  z.object({ records: z.array(recordDocSchema).min(1).max(MAX_BATCH) }),
  recordDocSchema,
]);

export interface ParsedRecords {
  records: RecordInput[];
  batch: boolean;
}

type ParseOutcome = { ok: true; value: ParsedRecords } | { ok: false; field: string; message: string };

type RecordOutcome = { ok: true; record: RecordInput } | { ok: false; field: string; message: string };

function checkRecord(value: unknown, prefix: string): RecordOutcome {
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return { ok: false, field: path || 'body', message: issue.message };
  }
  const unstorable = unstorableValue(value, prefix);
  return unstorable ? { ok: false, ...unstorable } : { ok: true, record: parsed.data };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Nesting allowed inside a record's unknown fields (their JSON is stored as received). */
export const MAX_RECORD_DEPTH = 32;

/**
 * What PostgreSQL's jsonb cannot store, found before the transaction rather than as a 500 from it:
 * a NUL character or an unpaired surrogate in any string or key, and nesting deep enough to exhaust
 * a stack (hashing the payload, or the server parsing it). Walked without recursion.
 */
function unstorableValue(value: unknown, prefix: string): { field: string; message: string } | undefined {
  const bad = (str: string) => str.includes('\u0000') || LONE_SURROGATE.test(str);
  const stack: { v: unknown; path: string[]; depth: number }[] = [{ v: value, path: prefix ? [prefix] : [], depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    const field = () => path.join('.') || 'body';
    if (typeof v === 'string') {
      if (bad(v)) return { field: field(), message: 'contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored' };
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    if (depth >= MAX_RECORD_DEPTH) return { field: field(), message: `is nested more than ${MAX_RECORD_DEPTH} levels deep` };
    for (const [k, child] of Object.entries(v)) {
      if (bad(k)) return { field: [...path, k.replace(/[^\x20-\x7e]/g, '?')].join('.'), message: 'field name contains a NUL character or an unpaired UTF-16 surrogate' };
      stack.push({ v: child, path: [...path, k], depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * One record, or { records: [...] } with 1 to MAX_BATCH records. The first problem is reported with
 * the field named (records.3.text), which a union schema cannot do.
 */
export function parseRecordsBody(body: unknown): ParseOutcome {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, field: 'body', message: 'expected a record object or { "records": [ ... ] }' };
  }
  if ('records' in body) {
    const list = (body as { records: unknown }).records;
    if (!Array.isArray(list)) return { ok: false, field: 'records', message: 'must be an array of records' };
    if (list.length === 0) return { ok: false, field: 'records', message: 'must hold at least one record' };
    if (list.length > MAX_BATCH) return { ok: false, field: 'records', message: `at most ${MAX_BATCH} records per request; split the batch` };
    const records: RecordInput[] = [];
    for (let i = 0; i < list.length; i++) {
      const r = checkRecord(list[i], `records.${i}`);
      if (!r.ok) return r;
      records.push(r.record);
    }
    return { ok: true, value: { records, batch: true } };
  }
  const r = checkRecord(body, '');
  return r.ok ? { ok: true, value: { records: [r.record], batch: false } } : r;
}

/** Route-level compiler: the body goes through parseRecordsBody, other parts through zod as usual. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Fastify types each route's compiler by that route's schema
export const recordsBodyValidatorCompiler: FastifySchemaCompiler<any> = (route) => {
  if (route.httpPart !== 'body') return validatorCompiler(route);
  return (data: unknown) => {
    const parsed = parseRecordsBody(data);
    if (parsed.ok) return { value: parsed.value };
    const instancePath = `/${parsed.field.split('.').join('/')}`;
    return { error: [{ keyword: 'custom', instancePath, schemaPath: '#', params: {}, message: parsed.message }] as never };
  };
};

/** An optional free-text justification for reading a record or exporting, kept in the audit log. */
export const justificationHeaders = z.looseObject({
  'x-justification': z.string().max(500).optional().describe('why you are accessing this (kept in the audit log)'),
});

export type ScreeningResultJson = z.infer<typeof screeningResultSchema>;
/** ScreeningResult is an interface (no index signature); its JSON form is what the schema checks. */
export const resultJson = (r: ScreeningResult): ScreeningResultJson => r as unknown as ScreeningResultJson;

/**
 * Route-level serializer for the hot paths (screen, ingest): the body is built by our own code from
 * typed values, so re-validating a 4 KB result through zod on every response (about 1.5 ms) buys
 * nothing; the response schema still documents the route.
 */
export const plainJsonSerializerCompiler = () => (data: unknown) => JSON.stringify(data);
