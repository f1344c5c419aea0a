// Drift monitoring: what the screener says, day by day and per screener version, read from the stored
// screenings. A screener whose flag rate, scores or indicator mix moves sharply while the incoming
// records have not changed in kind has drifted (a catalogue edit, a model swap, a feed that changed
// format). Only screenings made on arrival count: re-screens are a different population (the back
// catalogue) and 'link' screenings repeat a result with recomputed flags.
import { type Kysely, sql } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import type { Database } from '../store/schema.ts';

type Db = Kysely<Database>;

export interface ScoreStats {
  mean: number;
  p10: number;
  p50: number;
  p90: number;
}

export interface DriftDay {
  day: string;
  /** rules|model|scorer */
  version: string;
  n: number;
  /** Share of screenings with each flag; ANY = at least one flag. */
  flag_rates: Record<string, number>;
  stalking: ScoreStats;
  s4a: ScoreStats;
  /** Share of screenings with each indicator code (negated mentions not counted). */
  indicator_rates: Record<string, number>;
}

const round = (x: number) => Math.round(x * 10000) / 10000;

/** The first instant of the UTC day `days - 1` days before `now`'s. */
export function windowStart(days: number, now = new Date()): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return new Date(+d - (days - 1) * 86_400_000);
}

const DAY = sql<string>`to_char(s.screened_at at time zone 'UTC', 'YYYY-MM-DD')`;
const VERSION = sql<string>`concat_ws('|', s.versions->>'rules', s.versions->>'model', s.versions->>'scorer')`;

/** Per day and screener version over the last `days` days (UTC), oldest first. */
export async function driftByDay(db: Db, days: number, now = new Date()): Promise<DriftDay[]> {
  const since = windowStart(days, now);
  const base = await sql<{
    day: string;
    version: string;
    n: number;
    flagged: number;
    st_mean: number;
    st_q: number[];
    s4_mean: number;
    s4_q: number[];
  }>`
    select ${DAY} as day, ${VERSION} as version, count(*)::int as n,
      count(*) filter (where jsonb_array_length(s.flags) > 0)::int as flagged,
      avg(s.stalking_score)::float8 as st_mean,
      percentile_cont(array[0.1, 0.5, 0.9]::float8[]) within group (order by s.stalking_score) as st_q,
      avg(s.s4a_score)::float8 as s4_mean,
      percentile_cont(array[0.1, 0.5, 0.9]::float8[]) within group (order by s.s4a_score) as s4_q
    from screenings s
    where s.trigger = 'ingest' and s.screened_at >= ${since}
    group by 1, 2
    order by 1, 2`.execute(db);
  const flags = await sql<{ day: string; version: string; flag: string; n: number }>`
    select ${DAY} as day, ${VERSION} as version, f.flag, count(*)::int as n
    from screenings s cross join lateral jsonb_array_elements_text(s.flags) as f(flag)
    where s.trigger = 'ingest' and s.screened_at >= ${since}
    group by 1, 2, 3`.execute(db);
  const indicators = await sql<{ day: string; version: string; code: string; n: number }>`
    select ${DAY} as day, ${VERSION} as version, c.code, count(*)::int as n
    from screenings s cross join lateral (
      select distinct x->>'code' as code
      from jsonb_array_elements(coalesce(s.result->'indicators', '[]'::jsonb)) as x
      where coalesce((x->'context'->>'negated')::boolean, false) = false and x->>'code' is not null
    ) c
    where s.trigger = 'ingest' and s.screened_at >= ${since}
    group by 1, 2, 3`.execute(db);

  const key = (day: string, version: string) => `${day}\u0000${version}`;
  const out = new Map<string, DriftDay>();
  const q = (arr: number[] | string | null, i: number) => round(Number((Array.isArray(arr) ? arr : parseArray(arr))[i] ?? 0));
  for (const r of base.rows) {
    out.set(key(r.day, r.version), {
      day: r.day,
      version: r.version,
      n: r.n,
      flag_rates: { ANY: round(r.flagged / r.n) },
      stalking: { mean: round(Number(r.st_mean)), p10: q(r.st_q, 0), p50: q(r.st_q, 1), p90: q(r.st_q, 2) },
      s4a: { mean: round(Number(r.s4_mean)), p10: q(r.s4_q, 0), p50: q(r.s4_q, 1), p90: q(r.s4_q, 2) },
      indicator_rates: {},
    });
  }
  for (const f of flags.rows) {
    const d = out.get(key(f.day, f.version));
    if (d) d.flag_rates[f.flag] = round(f.n / d.n);
  }
  for (const i of indicators.rows) {
    const d = out.get(key(i.day, i.version));
    if (d) d.indicator_rates[i.code] = round(i.n / d.n);
  }
  return [...out.values()];
}

/** float8[] as text ("{0.1,0.5}") when a driver does not parse arrays. */
function parseArray(v: string | null): number[] {
  return v ? v.replace(/[{}]/g, '').split(',').map(Number) : [];
}

export interface DriftComparison {
  version: string;
  metric: string;
  current: number;
  baseline: number;
  /** current / baseline; Infinity when the baseline is 0. */
  ratio: number;
  alert: boolean;
}

export interface DriftReport {
  days: number;
  ratio_threshold: number;
  /** The latest day with screenings: compared, per version, with all earlier days in the window. */
  current_day: string | null;
  baseline_days: string[];
  baseline_n: number;
  rows: DriftDay[];
  comparisons: DriftComparison[];
  alerts: DriftComparison[];
}

/** Screenings needed on each side before a comparison is made at all. */
export const MIN_SCREENINGS = 30;
/** Events (flags, indicators) needed on at least one side, so a rate of 1 in 40 against 0 in 300 is not an alert. */
export const MIN_EVENTS = 5;

/** Compares the latest day, per screener version, with the preceding days pooled. */
export function compareDays(rows: DriftDay[], ratioThreshold: number, days: number): DriftReport {
  const dayList = [...new Set(rows.map((r) => r.day))].sort();
  const current = dayList.at(-1) ?? null;
  const baselineRows = rows.filter((r) => r.day !== current);
  const baselineN = baselineRows.reduce((n, r) => n + r.n, 0);
  const pooled = (pick: (r: DriftDay) => number | undefined) => baselineRows.reduce((s, r) => s + (pick(r) ?? 0) * r.n, 0) / Math.max(baselineN, 1);
  const comparisons: DriftComparison[] = [];
  if (current && baselineN >= MIN_SCREENINGS) {
    for (const row of rows.filter((r) => r.day === current && r.n >= MIN_SCREENINGS)) {
      const consider = (metric: string, cur: number, base: number, isRate: boolean) => {
        if (isRate && Math.max(cur * row.n, base * baselineN) < MIN_EVENTS) return;
        if (cur === 0 && base === 0) return;
        const ratio = base === 0 ? Number.POSITIVE_INFINITY : cur / base;
        const alert = ratio >= ratioThreshold || ratio <= 1 / ratioThreshold;
        comparisons.push({ version: row.version, metric, current: round(cur), baseline: round(base), ratio: Number.isFinite(ratio) ? round(ratio) : ratio, alert });
      };
      const flagCodes = new Set([...Object.keys(row.flag_rates), ...baselineRows.flatMap((r) => Object.keys(r.flag_rates))]);
      for (const f of [...flagCodes].sort()) consider(`flag_rate:${f}`, row.flag_rates[f] ?? 0, pooled((r) => r.flag_rates[f]), true);
      consider('stalking_score:mean', row.stalking.mean, pooled((r) => r.stalking.mean), false);
      consider('s4a_score:mean', row.s4a.mean, pooled((r) => r.s4a.mean), false);
      const codes = new Set([...Object.keys(row.indicator_rates), ...baselineRows.flatMap((r) => Object.keys(r.indicator_rates))]);
      for (const c of [...codes].sort()) consider(`indicator_rate:${c}`, row.indicator_rates[c] ?? 0, pooled((r) => r.indicator_rates[c]), true);
    }
  }
  return {
    days,
    ratio_threshold: ratioThreshold,
    current_day: current,
    baseline_days: dayList.filter((d) => d !== current),
    baseline_n: baselineN,
    rows,
    comparisons,
    alerts: comparisons.filter((c) => c.alert),
  };
}

export async function driftReport(db: Db, days: number, ratioThreshold: number, now = new Date()): Promise<DriftReport> {
  return compareDays(await driftByDay(db, days, now), ratioThreshold, days);
}

/** Days the Prometheus gauges cover (one series per day, version and code: kept short). */
export const METRIC_DAYS = 7;
/** The report is recomputed at most this often, however often Prometheus scrapes. */
const CACHE_MS = 30_000;

/** Drift gauges on a registry, computed from the database when scraped. */
export function registerDriftMetrics(registry: Registry, db: Db, ratioThreshold: number): void {
  let cached: { at: number; report: Promise<DriftReport> } | undefined;
  const report = () => {
    if (!cached || Date.now() - cached.at > CACHE_MS) {
      const p = driftReport(db, METRIC_DAYS, ratioThreshold);
      cached = { at: Date.now(), report: p };
      p.catch(() => (cached = undefined));
    }
    return cached.report;
  };
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (g: Gauge<L>, r: DriftReport) => void) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        try {
          fill(this, await report());
        } catch {
          // database unreachable: the series are absent this scrape (readiness reports the outage)
        }
      },
    });
  gauge('screener_drift_screenings', `Screenings made on ingest, by UTC day and screener version (last ${METRIC_DAYS} days)`, ['day', 'version'] as const, (g, r) => {
    for (const d of r.rows) g.set({ day: d.day, version: d.version }, d.n);
  });
  gauge('screener_drift_flag_rate', 'Share of screenings raising each flag (ANY = at least one), by day and version', ['day', 'version', 'flag'] as const, (g, r) => {
    for (const d of r.rows) for (const [flag, v] of Object.entries(d.flag_rates)) g.set({ day: d.day, version: d.version, flag }, v);
  });
  gauge('screener_drift_score', 'Score distribution (mean, p10, p50, p90) by day and version', ['day', 'version', 'score', 'stat'] as const, (g, r) => {
    for (const d of r.rows) {
      for (const score of ['stalking', 's4a'] as const) for (const [stat, v] of Object.entries(d[score])) g.set({ day: d.day, version: d.version, score, stat }, v);
    }
  });
  gauge('screener_drift_indicator_rate', 'Share of screenings with each indicator code, by day and version', ['day', 'version', 'code'] as const, (g, r) => {
    for (const d of r.rows) for (const [code, v] of Object.entries(d.indicator_rates)) g.set({ day: d.day, version: d.version, code }, v);
  });
  gauge('screener_drift_ratio', 'Latest day against the preceding days of the window, per version and metric', ['version', 'metric'] as const, (g, r) => {
    for (const c of r.comparisons) g.set({ version: c.version, metric: c.metric }, c.ratio);
  });
  gauge('screener_drift_alerts', 'Metrics whose drift ratio is beyond DRIFT_ALERT_RATIO (either way)', [] as const, (g, r) => g.set(r.alerts.length));
  new Gauge({ name: 'screener_drift_alert_ratio', help: 'The configured DRIFT_ALERT_RATIO', registers: [registry] }).set(ratioThreshold);
}
