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

  /** The screener, or a 503 for the client while it is still loading (or failed to load). */
  get(): Screener {
    if (this.screener) return this.screener;
    throw new ApiError(503, 'SCREENER_NOT_READY', this.failure ? 'the screener failed to load; see the server log' : 'the screener is still loading; retry shortly');
  }

  async close(): Promise<void> {
    await this.loading;
    await this.screener?.close();
  }
}
