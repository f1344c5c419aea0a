// The screener loads in the background so the server can answer /healthz (and say "not ready" on
// /readyz) while a model loads, instead of refusing connections.
import type { Screener } from '../screening/types.ts';
import { ApiError } from './errors.ts';

export class ScreenerHolder {
  private screener: Screener | undefined;
  private failure: Error | undefined;
  readonly loading: Promise<void>;

  constructor(create: () => Promise<Screener>) {
    this.loading = create().then(
      (s) => {
        this.screener = s;
      },
      (err: unknown) => {
        this.failure = err instanceof Error ? err : new Error(String(err));
      },
    );
  }

  get ready(): boolean {
    return this.screener !== undefined;
  }

  get error(): Error | undefined {
    return this.failure;
  }

  /**
   * The screener, or a 503 while it is still loading (with Retry-After) or failed to load. Clients
   * wait for GET /readyz before their first record; nothing is stored when this refuses.
   */
  get(): Screener {
    if (this.screener) return this.screener;
    if (this.failure) throw new ApiError(503, 'SCREENER_NOT_READY', 'the screener failed to load; see the server log');
    throw new ApiError(503, 'SCREENER_NOT_READY', 'the screener is still loading; retry after the time in the retry-after header (or wait for GET /readyz)', undefined, 2);
  }

  async close(): Promise<void> {
    await this.loading;
    await this.screener?.close();
  }
}
