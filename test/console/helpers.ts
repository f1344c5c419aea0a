// Set-up for the console tests: the real app (buildApp) with the console registered, keys, sign-in.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { consolePlugin } from '../../src/console/plugin.ts';
import { COOKIE_NAME } from '../../src/console/session.ts';
import { loadConfig } from '../../src/config.ts';
import type { Screener } from '../../src/screening/types.ts';
import type { Indicator, ScreeningRecord, ScreeningResult } from '../../src/screening/types.ts';
import { buildApp } from '../../src/server/app.ts';
import { createKey } from '../../src/store/keys.ts';
import type { Role } from '../../src/store/schema.ts';

export const TEST_SECRET = 'console-test-secret-'.padEnd(48, 'x');

/** The app as `serve` builds it, plus the console unless buildApp already registers it. With logStream, it logs everything there. */
export async function consoleApp(opts: { dataDir?: string; screener?: Screener; logStream?: DestinationStream } = {}): Promise<FastifyInstance> {
  const config = loadConfig({ LOG_LEVEL: opts.logStream ? 'trace' : 'silent', RATE_LIMIT: '100000', DATA_DIR: opts.dataDir ?? 'memory://' });
  const app = await buildApp(config, { ...(opts.screener ? { screener: opts.screener } : {}), ...(opts.logStream ? { logStream: opts.logStream } : {}), loadShedding: false });
  if (!app.hasRoute({ method: 'GET', url: '/console/sign-in' })) await app.register(consolePlugin, { sessionSecret: TEST_SECRET });
  await app.ready();
  await app.screenerHolder.loading;
  return app;
}

export async function keyFor(app: FastifyInstance, role: Role, name = `${role}-${randomBytes(3).toString('hex')}`) {
  const key = await createKey(app.store.db, name, role);
  return { name, key, auth: { authorization: `Bearer ${key}` } };
}

/** Signs in through the form; returns the Cookie header to send afterwards. */
export async function signIn(app: FastifyInstance, key: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/console/sign-in', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ key }).toString() });
  if (res.statusCode !== 303) throw new Error(`sign-in answered ${res.statusCode}`);
  const set = String(res.headers['set-cookie']);
  const value = new RegExp(`${COOKIE_NAME}=([^;]*)`).exec(set)?.[1];
  if (!value) throw new Error('no session cookie');
  return `${COOKIE_NAME}=${value}`;
}

export function csrfFrom(page: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1]!;
}

export const form = (fields: Record<string, string>) => ({ 'content-type': 'application/x-www-form-urlencoded', payload: new URLSearchParams(fields).toString() });

// A stand-in screener with known, fixed evidence, so rendering can be checked exactly. The real
// screener is exercised by the browser test.
const PHRASES: { words: string; code: string; category: Indicator['category']; negated?: string; label: string }[] = [
  { words: 'followed her home', code: 'C1', category: 'behaviour', label: 'Following' },
  { words: 'sent 30 texts', code: 'A2', category: 'behaviour', label: 'High volume of messages' },
  { words: 'terrified', code: 'IMP.DISTRESS', category: 'impact', label: 'Victim distressed' },
  { words: 'threaten to kill', code: 'RISK.THREAT_TO_KILL', category: 'risk', negated: 'did not', label: 'Threat to kill' },
  { words: 'non-molestation order', code: 'ORD.NMO', category: 'order', label: 'Non-molestation order in force' },
];

export function stubScreener(): Screener {
  const versions = { rules: 'stub', model: 'none', scorer: 'stub' };
  return {
    thresholds: { stalking: 0.5, s4a: 0.5 },
    versions,
    async close() {},
    async screen(r: ScreeningRecord): Promise<ScreeningResult> {
      const indicators: Indicator[] = [];
      for (const p of PHRASES) {
        const start = r.text.indexOf(p.words);
        if (start < 0) continue;
        const cueAt = p.negated ? r.text.lastIndexOf(p.negated, start) : -1;
        const negated = cueAt >= 0;
        indicators.push({
          code: p.code,
          category: p.category,
          label: p.label,
          spans: [{ start, end: start + p.words.length, text: p.words }],
          source: 'rule',
          weight: 1,
          reason: p.label,
          context: {
            negated,
            hypothetical: false,
            historical: false,
            other_experiencer: false,
            proxy: false,
            uncertain: false,
            counter_allegation: false,
            quoted: false,
            cues: negated ? [{ category: 'NEGATED', span: { start: cueAt, end: cueAt + p.negated!.length, text: p.negated! } }] : [],
          },
        });
      }
      const behaviours = indicators.filter((i) => i.category === 'behaviour' && !i.context?.negated);
      const score = Math.min(1, behaviours.length * 0.45);
      const flags: ScreeningResult['flags'] = score >= 0.5 && !/stalking/i.test(r.recorded_as ?? '') ? ['MISSED_STALKING'] : [];
      return {
        id: r.id,
        stalking_score: score,
        stalking_flag: score >= 0.5,
        s4a_score: 0.2,
        s4a_flag: false,
        risk_level: 'medium',
        flags,
        indicators,
        four: { fixated: 0.5, obsessive: 0.4, unwanted: 0.9, repeated: 0.8, codes: { fixated: ['C1'], obsessive: [], unwanted: ['A2'], repeated: ['A2'] } },
        course_of_conduct: { occasions_min: behaviours.length, evidence: behaviours.map((b) => ({ reason: 'separate act', span: b.spans[0]!, occasions: 1 })) },
        s4a: { limb_i: { occasions: 0, met: false, evidence: [] }, limb_ii: { met: false, evidence: [] }, ought_to_know: [], proposed: behaviours.length ? 's2A' : null },
        risk: { level: 'medium', markers: [] },
        recorded_as_class: null,
        digital_leads: [],
        notes: ['Consider a Stalking Protection Order.'],
        recommendation: 'Review as possible stalking (s2A).',
        versions,
      };
    },
  };
}
