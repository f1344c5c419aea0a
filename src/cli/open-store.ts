// The configured database for a command: PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR.
import { loadConfig, type Config } from '../config.ts';
import { openStore, type Store } from '../store/database.ts';

/** Config and store, or null after writing the reason (bad configuration, database unavailable) to stderr. */
export async function openConfiguredStore(): Promise<{ config: Config; store: Store } | null> {
  try {
    const config = loadConfig();
    return { config, store: await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }) };
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return null;
  }
}
