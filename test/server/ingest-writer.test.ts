// The ingest writer's lanes: a bulk batch in its transaction does not hold a single record back.
import { describe, expect, it } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { IngestWriter, type IngestJob } from '../../src/server/ingest.ts';
import type { Store } from '../../src/store/database.ts';

/** A store whose transactions start (and are counted) but never finish: the writer's view of a busy database. */
function busyStore() {
  const counter = { transactions: 0 };
  const store = { backend: 'postgres', transaction: () => (counter.transactions++, new Promise(() => {})) } as unknown as Store;
  return { store, counter };
}

function job(records: number): IngestJob {
  const rs = Array.from({ length: records }, (_, i) => ({ id: `r${records}-${i}`, text: 'x' }));
  return { records: rs, hashes: rs.map(() => 'h'), screened: rs.map(() => undefined), actor: { name: 'k', role: 'ingest' }, screener: {} as never, log: {} as FastifyBaseLogger };
}

describe('IngestWriter', () => {
  it('starts a single record at once while a bulk batch holds its transaction, and queues a second single behind the first', async () => {
    const { store, counter } = busyStore();
    const sizes: number[] = [];
    const writer = new IngestWriter(store, { reviewDueHours: 24 }, (n) => sizes.push(n));
    void writer.submit(job(200)); // bulk lane
    void writer.submit(job(1)); // interactive lane: starts although the bulk transaction is open
    void writer.submit(job(1)); // waits for the first single's transaction
    void writer.submit(job(3));
    await new Promise((r) => setImmediate(r));
    expect(counter.transactions).toBe(2);
    expect(sizes).toEqual([1, 1]);
  });
});
