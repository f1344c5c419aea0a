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

/** What a BEGIN answers: Kysely reads nothing from it. */
const BEGUN = { command: 'BEGIN', rowCount: null, oid: 0, rows: [], fields: [] };

export class PreparingClient extends pg.Client {
  /**
   * A BEGIN not yet sent. It travels with the transaction's first statement when that statement
   * has no parameters (the ingest's advisory locks), as one simple query: one round trip instead
   * of two. Anything else is preceded by the BEGIN on its own, as before.
   */
  private beginHeld = false;

  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // pg's query() has many overloads; only (text, values) is rewritten, as Kysely calls it.
    const plain = pg.Client.prototype.query as (...args: unknown[]) => Promise<unknown>;
    const send = (args: unknown[]) => {
      const [text, values] = args;
      if (args.length === 2 && typeof text === 'string' && Array.isArray(values) && values.length) {
        const name = statementName(text);
        if (name) return plain.call(this, { name, text, values });
      }
      return plain.apply(this, args);
    };
    this.query = ((...args: unknown[]) => {
      const [text, values] = args;
      const kysely = args.length === 2 && typeof text === 'string' && Array.isArray(values);
      if (kysely && text === 'begin' && values.length === 0 && !this.beginHeld) {
        this.beginHeld = true;
        return Promise.resolve(BEGUN);
      }
      if (!this.beginHeld) return send(args);
      this.beginHeld = false;
      if (kysely && values.length === 0) {
        // A multi-statement simple query answers with one result per statement: the caller's is the last.
        return (plain.call(this, `begin;\n${text}`) as Promise<unknown>).then((results) => (Array.isArray(results) ? results.at(-1) : results));
      }
      return plain.call(this, 'begin').then(() => send(args));
    }) as pg.Client['query'];
  }
}
