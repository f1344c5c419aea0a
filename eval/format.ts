// Number formatting shared by report.md and the model card. Reads figures that may be NaN (in memory)
// or null (read back from metrics.json); both print as "n/a".

type Figure = number | null | undefined;

const defined = (x: Figure): x is number => typeof x === 'number' && Number.isFinite(x);

export function pct(x: Figure, digits = 1): string {
  return defined(x) ? `${(x * 100).toFixed(digits)}%` : 'n/a';
}

export function num(x: Figure, digits = 3): string {
  return defined(x) ? x.toFixed(digits) : 'n/a';
}

/** "83.3% (95% CI 70.1%-92.0%)" */
export function pctWithCi(x: Figure, ci: { lower: Figure; upper: Figure } | undefined, level = 0.95): string {
  if (!ci || !defined(ci.lower) || !defined(ci.upper)) return pct(x);
  return `${pct(x)} (${Math.round(level * 100)}% CI ${pct(ci.lower)} to ${pct(ci.upper)})`;
}

export function signedPoints(x: Figure): string {
  if (!defined(x)) return 'n/a';
  const points = x * 100;
  return `${points >= 0 ? '+' : ''}${points.toFixed(1)} pts`;
}

/** A markdown table; cells are escaped so narrative never breaks the layout. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number) => String(v).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}
