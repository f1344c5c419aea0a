// Formatting shared by the pages. Times are shown in the unit's time zone; the machine-readable
// instant goes in <time datetime> so the countdown script and assistive technology get it exactly.
import { type Html, html } from '../html.ts';

export const TIME_ZONE = 'Europe/London';

const dateTime = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const dateOnly = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, day: 'numeric', month: 'short', year: 'numeric' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(+d)) return iso;
  // A bare date (2024-03-01) has no time of day worth inventing.
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? dateOnly.format(d) : dateTime.format(d);
}

export function timeEl(iso: string | null | undefined): Html {
  return iso ? html`<time datetime="${iso}">${formatDateTime(iso)}</time>` : html`<span class="none">not given</span>`;
}

/** "3 h 05 min", "2 d 4 h", "12 min", "less than a minute". Mirrored in static/console.js. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return 'less than a minute';
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${m} min`;
}

/** A due time as a live countdown: "due in 3 h 05 min" or "overdue by 12 min" (text, not only colour). */
export function countdown(iso: string, now = Date.now(), words: { before: string; after: string } = { before: 'due in', after: 'overdue by' }): Html {
  const ms = new Date(iso).getTime() - now;
  const late = ms < 0;
  return html`<time class="countdown${late ? ' late' : ''}" datetime="${iso}" data-countdown data-before="${words.before}" data-after="${words.after}" title="${formatDateTime(iso)}">${late ? '⚠ ' : ''}${late ? words.after : words.before} ${formatDuration(ms)}</time>`;
}

export const percent = (x: number | undefined | null) => (typeof x === 'number' ? `${Math.round(x * 100)}%` : '–');
