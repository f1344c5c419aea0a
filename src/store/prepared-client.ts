// A pg client that turns the statements the service runs over and over into named prepared
// statements, so PostgreSQL parses and plans each once per connection instead of on every call.
// Measured with pg_stat_statements under bench:api: planning was about 40% of the database's
// statement time on the ingest path (README, Speed). Kysely sends every statement as text with
// parameters; this is the one place that sees them all.
import { createHash } from 'node:crypto';
import pg from 'pg';

/** A statement is prepared from its second use; one-off shapes (long IN lists) stay unnamed. */
const PREPARE_AFTER = 2;
/** Distinct statement texts tracked, process-wide; past this, new texts are sent unnamed. */
const MAX_TRACKED = 2_000;
/** Distinct statements prepared, process-wide (so per connection too): bounds server memory. */
const MAX_PREPARED = 300;

const seen = new Map<string, number>();
const names = new Map<string, string>();

/** The prepared-statement name for a statement text, once it has earned one. */
export function statementName(text: string): string | undefined {
  const name = names.get(text);
  if (name) return name;
  const uses = (seen.get(text) ?? 0) + 1;
  if (uses < PREPARE_AFTER || names.size >= MAX_PREPARED) {
    if (seen.size < MAX_TRACKED || seen.has(text)) seen.set(text, uses);
    return undefined;
  }
  seen.delete(text);
  const named = `s_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
  names.set(text, named);
  return named;
}

export class PreparingClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // pg's query() has many overloads; only (text, values) with values is rewritten, as Kysely calls it.
    const plain = pg.Client.prototype.query as (...args: unknown[]) => unknown;
    this.query = ((...args: unknown[]) => {
      const [text, values] = args;
      if (args.length === 2 && typeof text === 'string' && Array.isArray(values) && values.length) {
        const name = statementName(text);
        if (name) return plain.call(this, { name, text, values });
      }
      return plain.apply(this, args);
    }) as pg.Client['query'];
  }
}
