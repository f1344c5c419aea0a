// The initial schema. Plain SQL so it reads the same on PGlite and PostgreSQL.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table records (
      id text primary key,
      current_version integer not null,
      victim_ref text,
      suspect_ref text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  // Case histories are looked up by the (victim, suspect) pair.
  await sql`create index records_case_idx on records (victim_ref, suspect_ref) where victim_ref is not null and suspect_ref is not null`.execute(db);
  await sql`create index records_updated_idx on records (updated_at)`.execute(db);

  await sql`
    create table record_versions (
      record_id text not null references records(id) on delete cascade,
      version integer not null,
      content_hash text not null,
      payload jsonb not null,
      received_at timestamptz not null default now(),
      primary key (record_id, version)
    )`.execute(db);

  await sql`
    create table screenings (
      id integer generated always as identity primary key,
      record_id text not null references records(id) on delete cascade,
      version integer not null,
      trigger text not null check (trigger in ('ingest', 'link')),
      result jsonb not null,
      flags jsonb not null,
      stalking_score double precision not null,
      s4a_score double precision not null,
      risk_level text not null,
      occasions_min integer not null,
      has_behaviour boolean not null,
      linked_record_ids jsonb not null default '[]',
      versions jsonb not null,
      screened_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index screenings_record_idx on screenings (record_id, id desc)`.execute(db);

  await sql`
    create table queue_items (
      id integer generated always as identity primary key,
      record_id text not null unique references records(id) on delete cascade,
      record_version integer not null,
      screening_id integer not null references screenings(id) on delete cascade,
      status text not null check (status in ('open', 'claimed', 'decided')),
      flags jsonb not null,
      risk_level text not null,
      linked boolean not null default false,
      priority double precision not null,
      due_at timestamptz not null,
      queued_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      claimed_by text,
      lock_expires_at timestamptz
    )`.execute(db);
  await sql`create index queue_items_status_idx on queue_items (status, priority desc)`.execute(db);

  await sql`
    create table decisions (
      id integer generated always as identity primary key,
      item_id integer not null references queue_items(id) on delete cascade,
      record_id text not null references records(id) on delete cascade,
      record_version integer not null,
      decision text not null check (decision in ('stalking_s2a', 'stalking_s4a', 'not_stalking', 'needs_more_information')),
      reason text not null,
      recommended_classification text,
      decided_by text not null,
      decided_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index decisions_record_idx on decisions (record_id, id)`.execute(db);
  await sql`create index decisions_decided_at_idx on decisions (decided_at)`.execute(db);

  await sql`
    create table audit_log (
      id integer generated always as identity primary key,
      at timestamptz not null default now(),
      actor text not null,
      role text,
      action text not null,
      target text,
      justification text,
      details jsonb not null default '{}'
    )`.execute(db);
  await sql`create index audit_log_at_idx on audit_log (at)`.execute(db);
  // Append-only is enforced by the database, not just by the code that happens to use it.
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end
    $$`.execute(db);
  await sql`create trigger audit_log_no_update before update or delete on audit_log for each row execute function audit_log_append_only()`.execute(db);
  await sql`create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_append_only()`.execute(db);

  await sql`
    create table api_keys (
      id integer generated always as identity primary key,
      name text not null,
      role text not null check (role in ('ingest', 'reviewer', 'supervisor', 'admin')),
      key_hash text not null unique,
      created_at timestamptz not null default now(),
      revoked_at timestamptz
    )`.execute(db);
  await sql`create unique index api_keys_active_name_idx on api_keys (name) where revoked_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['api_keys', 'audit_log', 'decisions', 'queue_items', 'screenings', 'record_versions', 'records']) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
  await sql`drop function if exists audit_log_append_only()`.execute(db);
}
