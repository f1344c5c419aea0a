// The console's way into the API: every read and action is an in-process request to the /v1 routes
// (app.inject, no network hop) with the signed-in user's key, so the API's key check, role grants,
// validation, claim rules and audit entries apply to the console exactly as to any other client.
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { queueItemSchema } from '../server/routes/queue.ts';
import type { StoredResult } from './evidence.ts';

export type QueueItemJson = z.infer<typeof queueItemSchema>;

export interface ApiErrorJson {
  error: { code: string; message: string; field?: string };
}

export interface RecordJson {
  id: string;
  version: number;
  current_version: number;
  received_at: string;
  record: Record<string, unknown>;
  versions: { version: number; received_at: string }[];
  screening: {
    id: number;
    version: number;
    trigger: string;
    screened_at: string;
    flags: string[];
    linked_record_ids: string[];
    result: StoredResult;
  } | null;
  linked_records: { id: string; version: number; occasions_min: number; has_behaviour: boolean; flags: string[] }[];
  queue_item: QueueItemJson | null;
  decisions: {
    id: number;
    item_id: number;
    record_version: number;
    decision: string;
    reason: string;
    recommended_classification: string | null;
    decided_by: string;
    decided_at: string;
  }[];
}

export interface AuditEntryJson {
  id: number;
  at: string;
  actor: string;
  role: string | null;
  action: string;
  target: string | null;
  justification: string | null;
  details: Record<string, unknown>;
}

export type ApiResult<T> = { ok: true; status: number; body: T } | { ok: false; status: number; error: ApiErrorJson['error'] };

/** Kept in the audit log with every record the console opens. */
export const CONSOLE_JUSTIFICATION = 'screening review in the console';

export class ConsoleApi {
  constructor(
    private readonly app: FastifyInstance,
    private readonly key: string,
  ) {}

  private async call<T>(method: 'GET' | 'POST', url: string, opts: { query?: Record<string, string | number | undefined>; body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiResult<T>> {
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== '') query[k] = String(v);
    const res = await this.app.inject({
      method,
      url,
      query,
      headers: { authorization: `Bearer ${this.key}`, ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      ...(opts.body !== undefined ? { payload: JSON.stringify(opts.body) } : {}),
    });
    let json: unknown;
    try {
      json = res.json();
    } catch {
      json = undefined;
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, status: res.statusCode, body: json as T };
    const error = (json as ApiErrorJson | undefined)?.error ?? { code: 'UNEXPECTED', message: `the API answered ${res.statusCode}` };
    return { ok: false, status: res.statusCode, error };
  }

  queue(q: { status?: string; flag?: string; limit?: number; offset?: number }) {
    return this.call<{ total: number; items: QueueItemJson[] }>('GET', '/v1/queue', { query: q });
  }

  record(id: string) {
    return this.call<RecordJson>('GET', `/v1/records/${encodeURIComponent(id)}`, { headers: { 'x-justification': CONSOLE_JUSTIFICATION } });
  }

  claim(itemId: number) {
    return this.call<QueueItemJson>('POST', `/v1/queue/${itemId}/claim`);
  }

  release(itemId: number) {
    return this.call<QueueItemJson>('POST', `/v1/queue/${itemId}/release`);
  }

  decide(itemId: number, body: { decision: string; reason: string; recommended_classification?: string }) {
    return this.call<{ decision: { id: number; record_id: string }; item: QueueItemJson }>('POST', `/v1/queue/${itemId}/decision`, { body });
  }

  audit(q: { actor?: string; action?: string; target?: string; before?: number; limit?: number }) {
    return this.call<{ entries: AuditEntryJson[] }>('GET', '/v1/audit', { query: q, headers: { 'x-justification': 'supervisor audit review in the console' } });
  }
}
