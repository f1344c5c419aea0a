// The one schema for an incoming record (CONTRACT §1), shared by the CLI, the API and the datasets.
import { z } from 'zod';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/, 'must be an ISO 8601 date or date-time');

/** The record's fields as an object schema (for extending and for documentation); parse with recordSchema. */
export const recordObjectSchema = z
  .object({
    id: z.string().min(1).max(128),
    text: z.string().min(1).max(100_000),
    kind: z.enum(['incident', 'crime']).optional(),
    recorded_as: z.string().max(200).optional(),
    opening_code: z.string().max(200).optional(),
    occurred_at: isoDate.optional(),
    reported_at: isoDate.optional(),
    victim_ref: z.string().min(1).max(128).optional(),
    suspect_ref: z.string().min(1).max(128).optional(),
    relationship: z.string().max(64).optional(),
    source: z.string().max(64).optional(),
  })
  .loose();

/**
 * An optional field sent as null means "not given" (many case systems serialise an empty field as
 * null). Required fields are left alone, so a null id or text still fails naming the field.
 */
export function nullsAsAbsent(required: readonly string[]) {
  return (value: unknown): unknown => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const [k, v] of Object.entries(copy)) if (v === null && !required.includes(k)) delete copy[k];
    return copy;
  };
}

/** The one schema for an incoming record, used by the API, `screen`, `eval` and `validate`. */
export const recordSchema = z.preprocess(nullsAsAbsent(['id', 'text']), recordObjectSchema);

export type RecordInput = z.infer<typeof recordObjectSchema>;

/** The first problem with a candidate record, as { field, message }, or the parsed record. */
export function parseRecord(value: unknown): { ok: true; record: RecordInput } | { ok: false; field: string; message: string } {
  const parsed = recordSchema.safeParse(value);
  if (parsed.success) return { ok: true, record: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : '(record)';
  return { ok: false, field, message: `${field}: ${issue.message}` };
}
