// An open-loop load generator: requests leave on a fixed schedule (one every 1000/rate ms) whether
// or not earlier ones have been answered, as a control room's records arrive, and each latency is
// measured from the request's scheduled time, so a stall is charged to every request it delays
// (no "coordinated omission"). A closed-loop tool such as autocannon's overallRate instead sends
// each second's quota back to back over its connections, which measures queueing in a burst rather
// than latency at a steady rate.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { quantile } from '../eval/bootstrap.ts';

export interface OpenLoopRequest {
  method: 'POST' | 'GET';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface OpenLoopOptions {
  /** e.g. http://127.0.0.1:8080 */
  base: string;
  rate: number;
  seconds: number;
  /** Builds the i-th request. */
  request: (i: number) => OpenLoopRequest;
  /** Requests still unanswered this long after their scheduled time count as timeouts. */
  timeoutMs?: number;
}

export interface OpenLoopResult {
  sent: number;
  achieved_rps: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  ok_2xx: number;
  non_2xx: number;
  errors: number;
  timeouts: number;
  status_counts: Record<string, number>;
}

const round = (x: number) => Math.round(x * 10) / 10;

export async function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const url = new URL(o.base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const total = Math.round(o.rate * o.seconds);
  const interval = 1000 / o.rate;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  let done = 0;
  let lastAnswer = 0;
  const start = performance.now();

  await new Promise<void>((finished) => {
    const settle = () => {
      done++;
      lastAnswer = performance.now();
      if (done === total) finished();
    };
    const fire = (i: number, scheduled: number) => {
      const r = o.request(i);
      const req = http.request(
        { host: url.hostname, port: url.port, path: r.path, method: r.method, headers: { ...r.headers, ...(r.body ? { 'content-length': Buffer.byteLength(r.body) } : {}) }, agent, timeout: timeoutMs },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - scheduled);
            statuses[String(res.statusCode)] = (statuses[String(res.statusCode)] ?? 0) + 1;
            settle();
          });
        },
      );
      req.on('timeout', () => {
        timeouts++;
        req.destroy(new Error('timeout'));
      });
      req.on('error', () => {
        errors++;
        settle();
      });
      req.end(r.body);
    };
    let sent = 0;
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        fire(sent, start + sent * interval);
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const ok = Object.entries(statuses).reduce((s, [code, n]) => s + (code.startsWith('2') ? n : 0), 0);
  const answered = latencies.length;
  return {
    sent: total,
    // Answers per second over the whole run, from the first scheduled send to the last answer.
    achieved_rps: round(answered / ((lastAnswer - start) / 1000)),
    p50_ms: round(quantile(latencies, 0.5)),
    p99_ms: round(quantile(latencies, 0.99)),
    max_ms: round(latencies.at(-1) ?? NaN),
    ok_2xx: ok,
    non_2xx: answered - ok,
    errors: errors - timeouts,
    timeouts,
    status_counts: statuses,
  };
}
