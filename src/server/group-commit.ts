// Group commit: requests that arrive while the database is busy share the next transaction.
//
// Under load most of an ingest's cost is per transaction, not per record: the BEGIN and locks, the
// statements' start-up, the round trips and the commit's WAL flush (README, Speed). So at most
// `concurrency` transactions run at once, and the requests that arrive meanwhile wait and go
// together in the next one. An idle server commits each request at once, as before; a busy one
// commits bigger batches, so the cost per request falls as the load rises instead of the queue
// growing.
//
// One request's failure must not become its neighbours' failure: when a shared transaction fails,
// each of its requests is committed again on its own, and only the one that fails alone is told so.

export interface GroupCommitOptions<J> {
  /** Transactions in flight at once; requests beyond them wait and join the next. */
  concurrency: number;
  /** A transaction takes waiting jobs, oldest first, while their sizes sum to at most this (and at least one job). */
  maxSize: number;
  size: (job: J) => number;
  /** Told the number of jobs in each transaction (metrics). */
  onCommit?: (jobs: number) => void;
}

interface Waiting<J, R> {
  job: J;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export class GroupCommit<J, R> {
  readonly #commit: (jobs: J[]) => Promise<R[]>;
  readonly #options: GroupCommitOptions<J>;
  #waiting: Waiting<J, R>[] = [];
  #inFlight = 0;

  /** `commit` runs one transaction for the jobs and returns each job's result, in order. */
  constructor(commit: (jobs: J[]) => Promise<R[]>, options: GroupCommitOptions<J>) {
    if (!(options.concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
    this.#commit = commit;
    this.#options = options;
  }

  submit(job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#waiting.push({ job, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#options.concurrency && this.#waiting.length) {
      let size = this.#options.size(this.#waiting[0]!.job);
      let n = 1;
      while (n < this.#waiting.length) {
        const next = this.#options.size(this.#waiting[n]!.job);
        if (size + next > this.#options.maxSize) break;
        size += next;
        n++;
      }
      const batch = this.#waiting.splice(0, n);
      this.#inFlight++;
      void this.#run(batch).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
  }

  async #run(batch: Waiting<J, R>[]): Promise<void> {
    this.#options.onCommit?.(batch.length);
    let results: R[];
    try {
      results = await this.#commit(batch.map((w) => w.job));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      for (const w of batch) {
        this.#options.onCommit?.(1);
        try {
          w.resolve((await this.#commit([w.job]))[0]!);
        } catch (own) {
          w.reject(own);
        }
      }
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i]!));
  }
}
