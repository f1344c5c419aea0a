// The queue page: items in priority order with what a screener needs to pick the next one.
import type { QueueItemJson } from '../api.ts';
import type { RecordSummary } from '../data.ts';
import { FLAG_LABELS } from '../evidence.ts';
import { type Html, html } from '../html.ts';
import { countdown, percent } from './format.ts';
import { BASE, type Viewer, csrfField } from './layout.ts';

export const STATUS_FILTERS = [
  ['pending', 'Awaiting decision (open or claimed)'],
  ['open', 'Open'],
  ['claimed', 'Claimed'],
  ['decided', 'Decided'],
  ['all', 'All'],
] as const;

export interface QueueView {
  items: QueueItemJson[];
  total: number;
  summaries: Map<string, RecordSummary>;
  filter: { status: string; flag: string; offset: number; limit: number };
  flagCodes: readonly string[];
  now: number;
}

export const recordHref = (id: string) => `${BASE}/records/${encodeURIComponent(id)}`;

export function flagList(flags: string[]): Html {
  if (!flags.length) return html`<span class="none">none</span>`;
  return html`<ul class="flags">${flags.map((f) => html`<li class="flag flag-${f.toLowerCase()}">${FLAG_LABELS[f] ?? f}</li>`)}</ul>`;
}

export function riskBadge(level: string): Html {
  const label = level === 'high' ? 'High' : level === 'medium' ? 'Medium' : 'Standard';
  return html`<span class="risk risk-${level}">${level === 'high' ? '▲ ' : ''}${label}</span>`;
}

function statusCell(item: QueueItemJson, viewer: Viewer, now: number): Html {
  if (item.status === 'decided') return html`Decided`;
  if (item.status === 'claimed') {
    const mine = item.claimed_by === viewer.name;
    return html`${mine ? 'Claimed by you' : html`Claimed by ${item.claimed_by}`}${item.lock_expires_at ? html`<br>${countdown(item.lock_expires_at, now, { before: 'lock ends in', after: 'lock ended' })}` : ''}`;
  }
  return html`Open`;
}

function actionCell(item: QueueItemJson, viewer: Viewer, rank: number): Html {
  const label = html`<span class="visually-hidden"> record ${item.record_id}</span>`;
  const claimable = viewer.canReview && item.status !== 'decided' && (item.status === 'open' || item.claimed_by === viewer.name);
  if (claimable) {
    return html`<form method="post" action="${BASE}/queue/${item.id}/claim">
      ${csrfField(viewer)}<input type="hidden" name="record" value="${item.record_id}">
      <button type="submit" class="primary small"${rank === 1 ? html` data-first-open` : ''}>${item.claimed_by === viewer.name ? 'Continue' : 'Open and claim'}${label}</button>
    </form>`;
  }
  return html`<a href="${recordHref(item.record_id)}">View${label}</a>`;
}

function classificationCell(s: RecordSummary | undefined): Html {
  const recorded = s?.recorded_as;
  const suggested = s?.suggested;
  return html`<dl class="pair">
    <dt>Recorded</dt><dd>${recorded ?? html`<span class="none">not given</span>`}</dd>
    <dt>Suggested</dt><dd>${suggested ? html`<strong>${suggested}</strong>` : html`<span class="none">no change</span>`}</dd>
  </dl>`;
}

export function queueBody(v: QueueView, viewer: Viewer): Html {
  const { filter } = v;
  const qs = (offset: number) => {
    const p = new URLSearchParams({ status: filter.status, offset: String(offset) });
    if (filter.flag) p.set('flag', filter.flag);
    return `${BASE}/queue?${p.toString()}`;
  };
  const first = filter.offset + 1;
  const last = filter.offset + v.items.length;
  return html`<h1>Review queue</h1>
<p class="lede" id="queue-count">${v.total === 0 ? 'No items match.' : html`${v.total} item${v.total === 1 ? '' : 's'}; showing ${first}–${last}, highest priority first.`}</p>
<form method="get" action="${BASE}/queue" class="filters" aria-label="Filter the queue">
  <div class="field">
    <label for="f-flag">Flag</label>
    <select id="f-flag" name="flag">
      <option value="">Any flag</option>
      ${v.flagCodes.map((f) => html`<option value="${f}"${f === filter.flag ? html` selected` : ''}>${FLAG_LABELS[f] ?? f}</option>`)}
    </select>
  </div>
  <div class="field">
    <label for="f-status">Status</label>
    <select id="f-status" name="status">
      ${STATUS_FILTERS.map(([value, label]) => html`<option value="${value}"${value === filter.status ? html` selected` : ''}>${label}</option>`)}
    </select>
  </div>
  <button type="submit">Apply filters</button>
</form>
${
  v.items.length
    ? html`<div class="table-wrap" role="region" aria-labelledby="queue-caption" tabindex="0">
<table class="queue">
  <caption id="queue-caption">Queue items, highest priority first</caption>
  <thead><tr>
    <th scope="col">Rank</th><th scope="col">Record</th><th scope="col">Flags</th><th scope="col">Risk</th>
    <th scope="col">Scores</th><th scope="col">Classification</th><th scope="col">Due</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Action</span></th>
  </tr></thead>
  <tbody>
  ${v.items.map((item, i) => {
    const s = v.summaries.get(item.record_id);
    return html`<tr data-item="${item.id}" data-record="${item.record_id}" class="${item.overdue ? 'overdue' : ''}">
      <td class="num">${filter.offset + i + 1}<span class="priority">priority ${Math.round(item.effective_priority)}</span></td>
      <th scope="row"><a href="${recordHref(item.record_id)}">${item.record_id}</a>${s?.kind ? html`<br><span class="muted-text">${s.kind}</span>` : ''}${item.linked_record_ids.length ? html`<br><span class="muted-text">${item.linked_record_ids.length} linked</span>` : ''}</th>
      <td>${flagList(item.flags)}</td>
      <td>${riskBadge(item.risk_level)}</td>
      <td><dl class="pair"><dt>Stalking</dt><dd>${percent(item.stalking_score)}</dd><dt>s4A</dt><dd>${percent(item.s4a_score)}</dd></dl></td>
      <td>${classificationCell(s)}</td>
      <td>${item.status === 'decided' ? html`<span class="none">–</span>` : countdown(item.due_at, v.now)}</td>
      <td>${statusCell(item, viewer, v.now)}</td>
      <td>${actionCell(item, viewer, filter.offset + i + 1)}</td>
    </tr>`;
  })}
  </tbody>
</table>
</div>`
    : html`<p class="empty">Nothing to review with these filters.</p>`
}
<nav class="pager" aria-label="Queue pages">
  ${filter.offset > 0 ? html`<a href="${qs(Math.max(0, filter.offset - filter.limit))}" rel="prev">Previous ${filter.limit}</a>` : ''}
  ${last < v.total ? html`<a href="${qs(filter.offset + filter.limit)}" rel="next">Next ${filter.limit}</a>` : ''}
</nav>`;
}
