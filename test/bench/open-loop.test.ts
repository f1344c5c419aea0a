// The API benchmark's load generator: requests must leave on schedule whatever the server does,
// and a stall must be charged to every request it delays (latency from the scheduled time).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLoop } from '../../bench/open-loop.ts';

let server: http.Server;
let base = '';
let stallUntil = 0;
const arrivals: number[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    arrivals.push(Date.now());
    req.resume();
    req.on('end', () => {
      const wait = Math.max(0, stallUntil - Date.now());
      setTimeout(() => {
        res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
        res.end('{}');
      }, wait);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

describe('openLoop', () => {
  it('sends rate x seconds requests, spread over the run, and counts statuses', async () => {
    arrivals.length = 0;
    const r = await openLoop({ base, rate: 200, seconds: 1, request: (i) => ({ method: 'POST', path: i % 10 === 0 ? '/missing' : '/ok', headers: {}, body: '{}' }) });
    expect(r.sent).toBe(200);
    expect(r.ok_2xx + r.non_2xx).toBe(200);
    expect(r.status_counts['404']).toBe(20);
    // Spread, not a burst: the last request arrives most of a second after the first.
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(800);
    expect(r.p50_ms).toBeLessThan(100);
  });

  it('charges a server stall to the requests scheduled during it (no coordinated omission)', async () => {
    stallUntil = Date.now() + 400;
    const r = await openLoop({ base, rate: 100, seconds: 1, request: () => ({ method: 'GET', path: '/ok', headers: {} }) });
    stallUntil = 0;
    // Requests scheduled in the first 400 ms all wait for its end: the slowest waited about 400 ms,
    // and well over 1% of them waited more than 100 ms, so p99 shows the stall.
    expect(r.max_ms).toBeGreaterThan(300);
    expect(r.p99_ms).toBeGreaterThan(100);
    expect(r.ok_2xx).toBe(100);
  });
});
