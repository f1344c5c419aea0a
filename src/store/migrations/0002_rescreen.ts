// Back-catalogue re-screening: runs, their batches (the unit of work a job carries), and the unique
// key that makes a re-screen idempotent per record version and screener versions.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A re-screen is a third kind of screening, stored beside the ones made on ingest.
  await sql`alter table screenings drop constraint if exists screenings_trigger_check`.execute(db);
  await sql`alter table screenings add constraint screenings_trigger_check check (trigger in ('ingest', 'link', 'rescreen'))`.execute(db);
  // At most one re-screen of a record version by one set of screener versions: a worker that dies
  // after committing, or a job run twice, cannot store a second one.
  await sql`
    create unique index screenings_rescreen_once_idx on screenings
      (record_id, version, (versions->>'rules'), (versions->>'model'), (versions->>'scorer'))
      where trigger = 'rescreen'`.execute(db);
  // Drift monitoring reads screenings by day.
  await sql`create index screenings_screened_at_idx on screenings (screened_at)`.execute(db);

  await sql`
    create table rescreen_runs (
      id integer generated always as identity primary key,
      created_at timestamptz not null default now(),
      created_by text not null,
      filters jsonb not null,
      filter_key text not null,
      versions jsonb not null,
      batch_size integer not null,
      job_timeout_seconds integer not null,
      records integer not null,
      batches integer not null,
      finished_at timestamptz
    )`.execute(db);
  // Re-running the same command after a crash finds the unfinished run instead of starting another.
  await sql`create index rescreen_runs_unfinished_idx on rescreen_runs (filter_key) where finished_at is null`.execute(db);

  await sql`
    create table rescreen_batches (
      run_id integer not null references rescreen_runs(id) on delete cascade,
      batch_no integer not null,
      record_ids text[] not null,
      job_id text,
      worker text,
      started_at timestamptz,
      attempts integer not null default 0,
      done_at timestamptz,
      screened integer not null default 0,
      skipped integer not null default 0,
      flags jsonb not null default '{}',
      queue_items_created integer not null default 0,
      changes jsonb not null default '[]',
      primary key (run_id, batch_no)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists rescreen_batches`.execute(db);
  await sql`drop table if exists rescreen_runs`.execute(db);
  await sql`drop index if exists screenings_screened_at_idx`.execute(db);
  await sql`drop index if exists screenings_rescreen_once_idx`.execute(db);
  await sql`delete from screenings where trigger = 'rescreen'`.execute(db);
  await sql`alter table screenings drop constraint if exists screenings_trigger_check`.execute(db);
  await sql`alter table screenings add constraint screenings_trigger_check check (trigger in ('ingest', 'link'))`.execute(db);
}
