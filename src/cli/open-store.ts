// The configured database for a command: PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR.
import { loadConfig, type Config } from '../config.ts';
import { DatabaseInUseError, openStore, type Store } from '../store/database.ts';

/**
 * Config and store, or null after writing the reason (bad configuration, database unavailable) to
 * stderr. With `quietWhenInUse`, an embedded database held by a running server gives 'in-use' and no
 * message, for commands that can ask that server instead.
 */
type Opened = { config: Config; store: Store };
export async function openConfiguredStore(): Promise<Opened | null>;
export async function openConfiguredStore(options: { quietWhenInUse: true }): Promise<Opened | 'in-use' | null>;
export async function openConfiguredStore(options: { quietWhenInUse?: boolean } = {}): Promise<Opened | 'in-use' | null> {
  try {
    const config = loadConfig();
    return { config, store: await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }) };
  } catch (err) {
    if (options.quietWhenInUse && err instanceof DatabaseInUseError) return 'in-use';
    process.stderr.write(`${(err as Error).message}\n`);
    return null;
  }
}
