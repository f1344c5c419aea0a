// `stalking-screener drift [--days N] [--json]`: flag rates, score distributions and indicator
// frequencies per day and screener version, and the latest day compared with the days before it.
// Exit 0 without alerts, 1 with (so a scheduler can page on it), 2 on bad usage.
import { ConfigError, loadConfig } from '../config.ts';
import { driftReport, type DriftReport } from '../jobs/drift.ts';
import { openStore } from '../store/database.ts';
import { parseOptions, UsageError } from './args.ts';

const USAGE = `usage: stalking-screener drift [--days N] [--top N] [--json]
  --days N   window in UTC days, today included (default 14)
  --top N    indicator codes shown per row (default 8)
  --json     the whole report as one JSON object
Alert threshold: DRIFT_ALERT_RATIO (default 1.5). Exit 1 when an alert fires.
`;

export async function run(args: string[]): Promise<number> {
  let days = 14;
  let top = 8;
  let json: boolean;
  try {
    const { options, positionals } = parseOptions(args, { days: 'string', top: 'string', json: 'boolean', help: 'boolean' });
    if (options.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (positionals.length) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    if (options.days !== undefined) days = Number(options.days);
    if (options.top !== undefined) top = Number(options.top);
    if (!Number.isInteger(days) || days < 2 || days > 366) throw new UsageError('--days must be a whole number from 2 to 366');
    if (!Number.isInteger(top) || top < 0 || top > 200) throw new UsageError('--top must be a whole number from 0 to 200');
    json = !!options.json;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    return 2;
  }
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let report: DriftReport;
  try {
    report = await driftReport(store.db, days, config.driftAlertRatio);
  } finally {
    await store.close();
  }
  if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(formatReport(report, top));
  return report.alerts.length ? 1 : 0;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatReport(r: DriftReport, top: number): string {
  const lines: string[] = [];
  lines.push(`drift over ${r.days} days (UTC), ingest screenings only; alert ratio ${r.ratio_threshold}`);
  const flagCodes = [...new Set(r.rows.flatMap((d) => Object.keys(d.flag_rates)))].filter((f) => f !== 'ANY').sort();
  lines.push(['day', 'version', 'n', 'any_flag', ...flagCodes, 'stalking mean/p50/p90', 's4a mean/p50/p90', 'top indicators'].join('\t'));
  for (const d of r.rows) {
    const indicators = Object.entries(d.indicator_rates)
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([c, v]) => `${c} ${pct(v)}`)
      .join(', ');
    lines.push(
      [
        d.day,
        d.version,
        d.n,
        pct(d.flag_rates.ANY ?? 0),
        ...flagCodes.map((f) => pct(d.flag_rates[f] ?? 0)),
        `${d.stalking.mean}/${d.stalking.p50}/${d.stalking.p90}`,
        `${d.s4a.mean}/${d.s4a.p50}/${d.s4a.p90}`,
        indicators || '-',
      ].join('\t'),
    );
  }
  if (!r.rows.length) lines.push('(no screenings in the window)');
  lines.push('');
  if (!r.current_day || !r.comparisons.length) {
    lines.push(`no comparison: needs at least 30 screenings on the latest day and 30 before it (latest day ${r.current_day ?? 'none'}, ${r.baseline_n} before)`);
  } else {
    lines.push(`${r.current_day} against ${r.baseline_days.length} earlier day(s) (${r.baseline_n} screenings): ${r.comparisons.length} metrics compared, ${r.alerts.length} alert(s)`);
    for (const a of r.alerts) lines.push(`ALERT\t${a.version}\t${a.metric}\t${a.current} vs ${a.baseline}\tratio ${a.ratio}`);
  }
  lines.push('');
  return lines.join('\n');
}
