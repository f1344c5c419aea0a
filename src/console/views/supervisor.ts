// Supervisor pages: the audit trail and queue health.
import type { AuditEntryJson, QueueItemJson } from '../api.ts';
import type { QueueHealth } from '../data.ts';
import { FLAG_LABELS } from '../evidence.ts';
import { type Html, html } from '../html.ts';
import { countdown, formatDuration, timeEl } from './format.ts';
import { BASE, type Viewer, csrfField } from './layout.ts';
import { recordHref, riskBadge } from './queue.ts';

export const AUDIT_ACTIONS = [
  'record.read',
  'records.ingest',
  'queue.claim',
  'queue.release',
  'queue.decision',
  'export.decisions',
  'audit.read',
  'purge',
  'rescreen.run',
  'key.create',
  'key.revoke',
  'key.list',
] as const;

export interface AuditView {
  entries: AuditEntryJson[];
  filter: { actor: string; action: string; target: string; before?: number | undefined };
  limit: number;
}

function details(d: Record<string, unknown>): Html {
  const entries = Object.entries(d).filter(([, v]) => v !== null && v !== undefined);
  if (!entries.length) return html``;
  return html`<dl class="details">${entries.map(([k, v]) => html`<div><dt>${k}</dt><dd>${typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd></div>`)}</dl>`;
}

/** The target is a record id, except for key operations, whose target is a key name (`*`: all keys). */
function targetCell(e: AuditEntryJson): Html {
  if (!e.target) return html`<span class="none">–</span>`;
  if (e.action.startsWith('key.')) return html`key <code>${e.target === '*' ? 'all' : e.target}</code>`;
  return html`<a href="${recordHref(e.target)}">${e.target}</a>`;
}

export function auditBody(v: AuditView): Html {
  const f = v.filter;
  const last = v.entries[v.entries.length - 1];
  const older = new URLSearchParams();
  if (f.actor) older.set('actor', f.actor);
  if (f.action) older.set('action', f.action);
  if (f.target) older.set('target', f.target);
  if (last) older.set('before', String(last.id));
  return html`<h1>Audit trail</h1>
<p class="lede">Who did what to which record, newest first. Opening this page is itself recorded.</p>
<form method="get" action="${BASE}/audit" class="filters" aria-label="Filter the audit trail">
  <div class="field"><label for="a-actor">Actor (key name)</label><input id="a-actor" name="actor" value="${f.actor}" maxlength="128"></div>
  <div class="field"><label for="a-action">Action</label>
    <select id="a-action" name="action"><option value="">Any action</option>${AUDIT_ACTIONS.map((a) => html`<option value="${a}"${a === f.action ? html` selected` : ''}>${a}</option>`)}</select></div>
  <div class="field"><label for="a-target">Record id</label><input id="a-target" name="target" value="${f.target}" maxlength="128"></div>
  <button type="submit">Apply filters</button>
</form>
${
  v.entries.length
    ? html`<div class="table-wrap" role="region" aria-labelledby="audit-caption" tabindex="0"><table class="audit">
  <caption id="audit-caption">Audit entries${f.before ? ' (older page)' : ''}</caption>
  <thead><tr><th scope="col">When</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Record</th><th scope="col">Justification or reason</th><th scope="col">Details</th></tr></thead>
  <tbody>${v.entries.map(
    (e) => html`<tr data-action="${e.action}" data-target="${e.target ?? ''}">
    <td>${timeEl(e.at)}</td>
    <td>${e.actor}${e.role ? html` <span class="muted-text">(${e.role})</span>` : ''}</td>
    <td><code>${e.action}</code></td>
    <td>${targetCell(e)}</td>
    <td>${e.justification ?? html`<span class="none">–</span>`}</td>
    <td>${details(e.details)}</td>
  </tr>`,
  )}</tbody></table></div>`
    : html`<p class="empty">No audit entries match.</p>`
}
<nav class="pager" aria-label="Audit pages">
  ${f.before ? html`<a href="${BASE}/audit">Newest entries</a>` : ''}
  ${v.entries.length === v.limit ? html`<a href="${BASE}/audit?${older.toString()}" rel="next">Older entries</a>` : ''}
</nav>`;
}

export interface HealthView {
  health: QueueHealth;
  overdue: QueueItemJson[];
  claimed: QueueItemJson[];
  now: number;
}

export function healthBody(v: HealthView, viewer: Viewer): Html {
  const h = v.health;
  const stat = (label: string, value: string | number, note?: string, warn = false) =>
    html`<div class="stat${warn ? ' warn' : ''}"><dt>${label}</dt><dd><span class="stat-value">${warn ? '⚠ ' : ''}${value}</span>${note ? html`<span class="stat-note">${note}</span>` : ''}</dd></div>`;
  return html`<h1>Queue health</h1>
<dl class="stats">
  ${stat('Awaiting decision', h.depth, `${h.open} open, ${h.claimed} claimed`)}
  ${stat('Oldest item waiting', h.depth ? formatDuration(h.oldestAgeSeconds * 1000) : '–')}
  ${stat('Past due', h.overdue, h.overdue ? 'need a reviewer now' : 'none', h.overdue > 0)}
</dl>
<section class="panel" aria-labelledby="byflag-h"><h2 id="byflag-h">Awaiting decision, by flag</h2>
${
  Object.keys(h.byFlag).length
    ? html`<table class="compact"><thead><tr><th scope="col">Flag</th><th scope="col">Items</th></tr></thead><tbody>${Object.entries(h.byFlag)
        .sort((a, b) => b[1] - a[1])
        .map(([f, n]) => html`<tr><th scope="row">${FLAG_LABELS[f] ?? f}</th><td class="num">${n}</td></tr>`)}</tbody></table>`
    : html`<p class="none">The queue is empty.</p>`
}
</section>
<section class="panel" aria-labelledby="overdue-h"><h2 id="overdue-h">Past due</h2>
${
  v.overdue.length
    ? html`<table class="compact"><thead><tr><th scope="col">Record</th><th scope="col">Risk</th><th scope="col">Due</th><th scope="col">Status</th></tr></thead><tbody>${v.overdue.map(
        (i) => html`<tr><th scope="row"><a href="${recordHref(i.record_id)}">${i.record_id}</a></th><td>${riskBadge(i.risk_level)}</td><td>${countdown(i.due_at, v.now)}</td><td>${i.status === 'claimed' ? html`claimed by ${i.claimed_by}` : 'open'}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="none">Nothing is past due.</p>`
}
</section>
<section class="panel" aria-labelledby="claims-h"><h2 id="claims-h">Current claims</h2>
${
  v.claimed.length
    ? html`<table class="compact"><thead><tr><th scope="col">Record</th><th scope="col">Reviewer</th><th scope="col">Lock</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead><tbody>${v.claimed.map(
        (i) => html`<tr><th scope="row"><a href="${recordHref(i.record_id)}">${i.record_id}</a></th><td>${i.claimed_by}</td><td>${i.lock_expires_at ? countdown(i.lock_expires_at, v.now, { before: 'ends in', after: 'ended' }) : ''}</td>
        <td>${viewer.canReleaseAny ? html`<form method="post" action="${BASE}/queue/${i.id}/release">${csrfField(viewer)}<input type="hidden" name="return" value="health"><button type="submit" class="small">Release<span class="visually-hidden"> ${i.record_id}</span></button></form>` : ''}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="none">No one holds a claim.</p>`
}
</section>`;
}
