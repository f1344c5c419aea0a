// A generated back catalogue for re-screening tests and benchmarks: synthetic records (the seeded
// corpus generator) written straight into records and record_versions, as an import of old records
// would be: stored, never screened. Received dates are spread over the given number of days.
import { type Kysely, sql } from 'kysely';
import { generateDataset } from '../../datasets/generate.ts';
import { recordObjectSchema } from '../screening/record.ts';
import { contentHash } from '../store/records.ts';
import type { Database } from '../store/schema.ts';

const RECORD_FIELDS = Object.keys(recordObjectSchema.shape);

export interface SeedOptions {
  n: number;
  seed: number;
  idPrefix: string;
  /** Received dates run back from `until` over this many days (default 30). */
  days?: number;
  until?: Date;
  /** Called after each chunk is written. */
  onProgress?: (written: number) => void;
}

export async function seedBackCatalogue(db: Kysely<Database>, o: SeedOptions): Promise<string[]> {
  const days = o.days ?? 30;
  const until = +(o.until ?? new Date());
  const ids: string[] = [];
  const CHUNK = 1000;
  // Generated in chunks (each its own seed) so 100,000 records never sit in memory at once.
  for (let start = 0; start < o.n; start += CHUNK) {
    const n = Math.min(CHUNK, o.n - start);
    const generated = generateDataset({ seed: o.seed * 100_003 + start, n, idPrefix: `${o.idPrefix}-${start}` });
    const rows = generated.map((g, k) => {
      const payload = Object.fromEntries(Object.entries(g).filter(([key]) => RECORD_FIELDS.includes(key))) as Record<string, unknown>;
      // Each chunk numbers its people from the same start: keep one chunk's people apart from another's.
      for (const key of ['victim_ref', 'suspect_ref']) if (typeof payload[key] === 'string') payload[key] = `${o.idPrefix}-${start}-${payload[key]}`;
      const i = start + k;
      const received = new Date(until - Math.floor(((i * 7919) % o.n) / o.n * days * 86_400_000));
      return { payload, received, id: String(payload.id) };
    });
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('records')
        .values(
          rows.map((r) => ({
            id: r.id,
            current_version: 1,
            victim_ref: (r.payload.victim_ref as string | undefined) ?? null,
            suspect_ref: (r.payload.suspect_ref as string | undefined) ?? null,
            created_at: r.received as never,
            updated_at: r.received,
          })),
        )
        .execute();
      await trx
        .insertInto('record_versions')
        .values(rows.map((r) => ({ record_id: r.id, version: 1, content_hash: contentHash(r.payload), payload: JSON.stringify(r.payload), received_at: r.received as never })))
        .execute();
    });
    ids.push(...rows.map((r) => r.id));
    o.onProgress?.(ids.length);
  }
  return ids;
}

/** Rescreen screenings stored more than once for one record version and screener versions (must be 0). */
export async function duplicateRescreens(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from (
      select record_id, version, versions->>'rules', versions->>'model', versions->>'scorer'
      from screenings where trigger = 'rescreen'
      group by 1, 2, 3, 4, 5 having count(*) > 1
    ) d`.execute(db);
  return rows[0]!.n;
}
