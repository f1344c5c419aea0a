// The record page: identity, the narrative with every evidence span marked, the panels a screener
// needs to decide (DOMAIN §6.3), the case timeline, the review history, and the decision form.
import type { RecordJson } from '../api.ts';
import type { RecordSummary } from '../data.ts';
import { DECISION_LABELS, type StoredResult, evidenceSpans, suggestedClassification } from '../evidence.ts';
import { CATEGORY_TAGS, type PlacedMark, categoryTag, layoutNarrative } from '../highlight.ts';
import { type Html, html } from '../html.ts';
import { countdown, formatDateTime, percent, timeEl } from './format.ts';
import { BASE, type Viewer, csrfField } from './layout.ts';
import { flagList, recordHref, riskBadge } from './queue.ts';

export interface DecisionForm {
  decision?: string;
  reason?: string;
  recommended_classification?: string;
  errors?: { field: string; message: string }[];
}

export interface RecordView {
  data: RecordJson;
  timeline: Map<string, RecordSummary>;
  now: number;
  form?: DecisionForm;
}

const DECISIONS = Object.keys(DECISION_LABELS);
const CLASSIFICATION_SUGGESTIONS = ['Stalking s2A', 'Stalking s4A(i)', 'Stalking s4A(ii)', 'Stalking s4A(i)+(ii)', 'Harassment s2', 'Harassment s4', 'Breach of Stalking Protection Order', 'No crime'];

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);

function section(id: string, title: string, body: Html, extraClass = ''): Html {
  return html`<section class="panel ${extraClass}" aria-labelledby="${id}-h"><h2 id="${id}-h">${title}</h2>${body}</section>`;
}

function quote(text: string | undefined): Html {
  return text ? html`<q class="evq">${text}</q>` : html``;
}

function evidenceItems(items: { reason: string; span?: { text: string }; occasions?: number }[] | undefined, empty: string): Html {
  if (!items?.length) return html`<p class="none">${empty}</p>`;
  return html`<ul class="evidence">${items.map((e) => html`<li>${quote(e.span?.text)} <span class="why">${e.reason}${typeof e.occasions === 'number' ? html` <span class="occ">(${e.occasions} occasion${e.occasions === 1 ? '' : 's'})</span>` : ''}</span></li>`)}</ul>`;
}

function legend(marks: PlacedMark[]): Html {
  const present = new Set(marks.flatMap((m) => m.annotations.map((a) => a.category)));
  const anyMuted = marks.some((m) => m.annotations.some((a) => a.muted));
  const cats = Object.keys(CATEGORY_TAGS).filter((c) => present.has(c) || ['behaviour', 'impact', 'risk', 'order', 'digital'].includes(c));
  for (const c of present) if (!cats.includes(c)) cats.push(c);
  return html`<ul class="legend" aria-label="Highlight key">
    ${cats.map((c) => html`<li><span class="swatch ev cat-${c}" data-tag="${categoryTag(c).tag}">${categoryTag(c).name}</span></li>`)}
    ${anyMuted ? html`<li><span class="swatch ev muted" data-tag="not asserted">Negated, hypothetical or about someone else</span></li>` : ''}
  </ul>`;
}

function evidenceTable(marks: PlacedMark[]): Html {
  if (!marks.length) return html`<p class="none">No indicator was found in the text.</p>`;
  return html`<div class="table-wrap" role="region" aria-labelledby="evidence-caption" tabindex="0"><table class="evidence-table">
    <caption id="evidence-caption">Each highlight in the narrative, in text order</caption>
    <thead><tr><th scope="col">#</th><th scope="col">Words</th><th scope="col">Indicator</th><th scope="col">Context</th></tr></thead>
    <tbody>${marks.map(
      (m) => html`<tr class="${m.annotations.every((a) => a.muted) ? 'muted-row' : ''}">
        <td><a href="#ev-${m.n}" data-jump="${m.n}">${m.n}<span class="visually-hidden"> (go to highlight)</span></a></td>
        <td>${quote(m.text)}</td>
        <td><ul class="plain">${m.annotations.map((a) => html`<li><span class="cat-label cat-${a.category}">${categoryTag(a.category).name}</span> <code>${a.code}</code> ${a.label}</li>`)}</ul></td>
        <td>${m.annotations.some((a) => a.qualifiers.length) ? html`<ul class="plain">${m.annotations.filter((a) => a.qualifiers.length).map((a) => html`<li>${a.muted ? html`<strong>Not counted:</strong> ` : ''}${a.qualifiers.join('; ')}</li>`)}</ul>` : html`<span class="none">asserted</span>`}</td>
      </tr>`,
    )}</tbody></table></div>`;
}

function fourPanel(r: StoredResult): Html {
  const four = r.four;
  if (!four) return html`<p class="none">Not in this screening.</p>`;
  const rows: [keyof typeof four.codes, string][] = [
    ['fixated', 'Fixated'],
    ['obsessive', 'Obsessive'],
    ['unwanted', 'Unwanted'],
    ['repeated', 'Repeated'],
  ];
  return html`<dl class="four">${rows.map(([k, label]) => {
    const value = typeof four[k] === 'number' ? (four[k] as number) : 0;
    const codes = four.codes?.[k] ?? [];
    return html`<div class="four-row"><dt>${label}</dt><dd><meter min="0" max="1" value="${value.toFixed(3)}" aria-hidden="true"></meter> <strong>${percent(value)}</strong> ${codes.length ? html`<span class="codes">from ${codes.join(', ')}</span>` : html`<span class="none">no indicator</span>`}</dd></div>`;
  })}</dl>`;
}

function s4aPanel(r: StoredResult): Html {
  const s = r.s4a;
  if (!s) return html`<p class="none">Not in this screening.</p>`;
  const yes = (b: boolean | undefined) => (b ? html`<strong class="yes">✔ met</strong>` : html`<span class="no">✘ not met</span>`);
  return html`<p>Proposed: ${s.proposed ? html`<strong>${s.proposed}</strong>` : html`<span class="none">none</span>`} · s4A score ${percent(r.s4a_score)}</p>
  <h3>Limb (i): fear of violence on at least two occasions</h3>
  <p>${yes(s.limb_i?.met)}; ${s.limb_i?.occasions ?? 0} occasion${s.limb_i?.occasions === 1 ? '' : 's'} supported.</p>
  ${evidenceItems(s.limb_i?.evidence, 'No evidence of fear of violence.')}
  <h3>Limb (ii): serious alarm or distress with substantial adverse effect on day-to-day activities</h3>
  <p>${yes(s.limb_ii?.met)}</p>
  ${evidenceItems(s.limb_ii?.evidence, 'No evidence of alarm, distress or effect on day-to-day activities.')}
  <h3>Ought to know</h3>
  ${evidenceItems(s.ought_to_know, 'No “ought to know” cue (told to stop, blocked, warned, order in force).')}`;
}

function markerList(list: { code: string; label: string; span?: { text: string } }[] | undefined, empty: string): Html {
  if (!list?.length) return html`<p class="none">${empty}</p>`;
  return html`<ul class="evidence">${list.map((m) => html`<li><code>${m.code}</code> ${m.label} ${quote(m.span?.text)}</li>`)}</ul>`;
}

function timelinePanel(d: RecordJson, timeline: Map<string, RecordSummary>): Html {
  const linked = new Map(d.linked_records.map((l) => [l.id, l]));
  const ids = [d.id, ...d.linked_records.map((l) => l.id)];
  const when = (s: RecordSummary | undefined) => s?.occurred_at ?? s?.reported_at ?? s?.received_at ?? '';
  const sorted = ids.sort((a, b) => when(timeline.get(a)).localeCompare(when(timeline.get(b))) || a.localeCompare(b));
  const refs = [str(d.record.victim_ref) && html`victim <code>${str(d.record.victim_ref)}</code>`, str(d.record.suspect_ref) && html`suspect <code>${str(d.record.suspect_ref)}</code>`].filter(Boolean);
  if (!d.linked_records.length) {
    return html`<p class="none">${refs.length === 2 ? 'No other record about the same victim and suspect.' : 'Records are linked only when both victim_ref and suspect_ref are given; this record lacks one, so nothing is linked.'}</p>`;
  }
  return html`<p>${d.linked_records.length + 1} records about ${refs.length ? html`${refs[0]}${refs[1] ? html` and ${refs[1]}` : ''}` : 'the same people'}, oldest first.</p>
  <ol class="timeline">${sorted.map((id) => {
    const s = timeline.get(id);
    const l = linked.get(id);
    const self = id === d.id;
    return html`<li class="${self ? 'self' : ''}">
      <span class="when">${timeEl(when(s) || null)}</span>
      <span class="what">${self ? html`<strong>${id}</strong> <span class="tag-self">(this record)</span>` : html`<a href="${recordHref(id)}">${id}</a>`}
        ${s?.recorded_as ? html` · recorded as ${s.recorded_as}` : ''}${s?.kind ? html` · ${s.kind}` : ''}
        ${l ? html` · ${l.occasions_min} occasion${l.occasions_min === 1 ? '' : 's'}${l.has_behaviour ? ' · stalking behaviour' : ''}` : ''}</span>
      ${l?.flags.length ? flagList(l.flags) : ''}
    </li>`;
  })}</ol>`;
}

function historyPanel(d: RecordJson): Html {
  if (!d.decisions.length) return html`<p class="none">No decision yet.</p>`;
  return html`<ol class="history">${d.decisions.map(
    (x) => html`<li><strong>${DECISION_LABELS[x.decision] ?? x.decision}</strong> by ${x.decided_by}, ${timeEl(x.decided_at)} (version ${x.record_version})${x.recommended_classification ? html`; recommended: ${x.recommended_classification}` : ''}<p class="reason">${x.reason}</p></li>`,
  )}</ol>`;
}

function fieldError(form: DecisionForm | undefined, field: string): string | undefined {
  return form?.errors?.find((e) => e.field === field)?.message;
}

function decisionPanel(d: RecordJson, viewer: Viewer, now: number, form: DecisionForm | undefined): Html {
  const item = d.queue_item;
  if (!item) return html`<p>This record is not in the review queue (it was not flagged).</p>`;
  if (item.status === 'decided') return html`<p>This item has been decided. See the review history.</p>`;
  const mine = item.status === 'claimed' && item.claimed_by === viewer.name;
  if (!viewer.canReview) return html`<p>Your role (${viewer.role}) can read records but not decide them.</p>`;
  if (!mine) {
    const other = item.status === 'claimed';
    return html`${other ? html`<p>Claimed by <strong>${item.claimed_by}</strong>; ${item.lock_expires_at ? countdown(item.lock_expires_at, now, { before: 'lock ends in', after: 'lock ended' }) : ''}.</p>` : html`<p>This item is open. Claim it to record a decision; the claim stops others working on it at the same time.</p>`}
    ${
      !other
        ? html`<form method="post" action="${BASE}/queue/${item.id}/claim">${csrfField(viewer)}<input type="hidden" name="record" value="${d.id}"><button type="submit" class="primary">Claim this item</button></form>`
        : viewer.canReleaseAny
          ? html`<form method="post" action="${BASE}/queue/${item.id}/release">${csrfField(viewer)}<input type="hidden" name="return" value="record"><input type="hidden" name="record" value="${d.id}"><button type="submit">Release their claim</button></form>`
          : ''
    }`;
  }
  const reasonError = fieldError(form, 'reason');
  const decisionError = fieldError(form, 'decision');
  const classError = fieldError(form, 'recommended_classification');
  return html`<p>Claimed by you; ${item.lock_expires_at ? countdown(item.lock_expires_at, now, { before: 'claim ends in', after: 'claim ended' }) : ''}.</p>
  ${
    form?.errors?.length
      ? html`<div class="error-summary" role="alert" tabindex="-1" id="error-summary"><h3>The decision was not recorded</h3><ul>${form.errors.map((e) => html`<li><a href="#${e.field === 'decision' ? 'decision-0' : e.field === 'reason' ? 'reason' : e.field === 'recommended_classification' ? 'recommended' : 'decision-form'}">${e.message}</a></li>`)}</ul></div>`
      : ''
  }
  <form method="post" action="${BASE}/queue/${item.id}/decision" id="decision-form" class="stack">
    ${csrfField(viewer)}<input type="hidden" name="record" value="${d.id}">
    <fieldset${decisionError ? html` aria-describedby="decision-error"` : ''}>
      <legend>Decision</legend>
      ${decisionError ? html`<p class="field-error" id="decision-error">${decisionError}</p>` : ''}
      ${DECISIONS.map(
        (value, i) => html`<div class="radio"><input type="radio" name="decision" id="decision-${i}" value="${value}" required data-shortcut="${i + 1}"${form?.decision === value ? html` checked` : ''}>
        <label for="decision-${i}">${DECISION_LABELS[value]} <kbd class="hint-key" aria-hidden="true">${i + 1}</kbd></label></div>`,
      )}
    </fieldset>
    <div class="field">
      <label for="reason">Reason (required)</label>
      <p class="hint" id="reason-hint">Say what in the record supports the decision. Kept in the audit trail.</p>
      ${reasonError ? html`<p class="field-error" id="reason-error">${reasonError}</p>` : ''}
      <textarea id="reason" name="reason" rows="5" maxlength="4000" required aria-describedby="reason-hint${reasonError ? ' reason-error' : ''}"${reasonError ? html` aria-invalid="true"` : ''}>${form?.reason ?? ''}</textarea>
    </div>
    <div class="field">
      <label for="recommended">Recommended classification (optional)</label>
      ${classError ? html`<p class="field-error" id="recommended-error">${classError}</p>` : ''}
      <input id="recommended" name="recommended_classification" maxlength="200" list="classifications" value="${form?.recommended_classification ?? ''}"${classError ? html` aria-invalid="true" aria-describedby="recommended-error"` : ''}>
      <datalist id="classifications">${CLASSIFICATION_SUGGESTIONS.map((c) => html`<option value="${c}"></option>`)}</datalist>
    </div>
    <button type="submit" class="primary">Record decision <kbd aria-hidden="true">Ctrl+Enter</kbd></button>
  </form>
  <form method="post" action="${BASE}/queue/${item.id}/release" class="release">
    ${csrfField(viewer)}<input type="hidden" name="record" value="${d.id}">
    <button type="submit" id="release">Release without deciding</button>
  </form>
  ${shortcutHelp()}`;
}

function shortcutHelp(): Html {
  return html`<details class="shortcuts" id="shortcuts">
  <summary>Keyboard shortcuts (press <kbd>?</kbd>)</summary>
  <p>Single-key shortcuts work when you are not typing in a field. <label class="inline"><input type="checkbox" id="shortcuts-on" checked> Use single-key shortcuts</label></p>
  <dl class="keys">
    <dt><kbd>1</kbd>–<kbd>4</kbd></dt><dd>Choose a decision</dd>
    <dt><kbd>r</kbd></dt><dd>Go to the reason</dd>
    <dt><kbd>c</kbd></dt><dd>Go to the recommended classification</dd>
    <dt><kbd>n</kbd> / <kbd>p</kbd></dt><dd>Next / previous highlighted evidence</dd>
    <dt><kbd>Ctrl</kbd>+<kbd>Enter</kbd></dt><dd>Record the decision (also while typing)</dd>
    <dt><kbd>q</kbd></dt><dd>Back to the queue</dd>
    <dt><kbd>?</kbd></dt><dd>Open this list</dd>
  </dl>
</details>`;
}

function identity(d: RecordJson, r: StoredResult | undefined): Html {
  const rec = d.record;
  const row = (label: string, value: Html | string | null) => html`<div><dt>${label}</dt><dd>${value ?? html`<span class="none">not given</span>`}</dd></div>`;
  const suggested = r ? suggestedClassification(r) : null;
  return html`<dl class="facts">
    ${row('Recorded as', str(rec.recorded_as))}
    ${row('Suggested', suggested ? html`<strong>${suggested}</strong>` : 'no change')}
    ${row('Kind', str(rec.kind) ?? 'incident')}
    ${row('Opening code', str(rec.opening_code))}
    ${row('Relationship', str(rec.relationship))}
    ${row('Occurred', str(rec.occurred_at) ? timeEl(str(rec.occurred_at)) : null)}
    ${row('Reported', str(rec.reported_at) ? timeEl(str(rec.reported_at)) : null)}
    ${row('Victim ref', str(rec.victim_ref) ? html`<code>${str(rec.victim_ref)}</code>` : null)}
    ${row('Suspect ref', str(rec.suspect_ref) ? html`<code>${str(rec.suspect_ref)}</code>` : null)}
    ${row('Source', str(rec.source))}
    ${row('Version', `${d.version} of ${d.current_version}, received ${formatDateTime(d.received_at)}`)}
  </dl>`;
}

export function recordBody(v: RecordView, viewer: Viewer): Html {
  const d = v.data;
  const text = typeof d.record.text === 'string' ? d.record.text : '';
  const screening = d.screening;
  const r = screening?.result;
  // Offsets belong to the version that was screened: on any other version they would mark the wrong words.
  const sameVersion = !!screening && screening.version === d.version;
  const layout = layoutNarrative(text, r && sameVersion ? evidenceSpans(r) : []);
  const item = d.queue_item;
  return html`<div class="record-head">
  <p class="breadcrumb"><a href="${BASE}/queue">Queue</a> › Record</p>
  <h1>Record <span class="record-id">${d.id}</span></h1>
  <div class="summary-line">
    ${r ? html`${flagList(screening!.flags)} ${riskBadge(r.risk_level ?? 'standard')} <span>Stalking ${percent(r.stalking_score)}</span> <span>s4A ${percent(r.s4a_score)}</span> <span>${r.course_of_conduct?.occasions_min ?? 0} occasion(s) in this text</span>` : html`<span class="none">Not screened.</span>`}
    ${item && item.status !== 'decided' ? countdown(item.due_at, v.now) : ''}
  </div>
</div>
<div class="record-layout">
<div class="record-main">
${section(
  'narrative',
  'Narrative',
  html`${screening && !sameVersion ? html`<p class="warning" role="note">The latest screening is of version ${screening.version}, not this version ${d.version}; highlights are not shown.</p>` : ''}
  ${layout.unplaced.length ? html`<p class="warning" role="note">${layout.unplaced.length} evidence span(s) did not match the text at their offsets and are not highlighted; they are listed below.</p>` : ''}
  ${legend(layout.marks)}
  <div class="narrative" id="narrative">${layout.html}</div>`,
)}
${r ? section('recommendation', 'Recommendation', html`<p class="recommendation">${r.recommendation ?? ''}</p>${r.notes?.length ? html`<h3>Notes for the reviewer</h3><ul>${r.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}`, 'emphasis') : ''}
${section('identity', 'Identity and classification', identity(d, r))}
${section('evidence', 'Evidence found', html`${evidenceTable(layout.marks)}${layout.unplaced.length ? html`<h3>Not placed in the text</h3><ul>${layout.unplaced.map((u) => html`<li>${categoryTag(u.annotation.category).name} <code>${u.annotation.code}</code> ${quote(u.text)}</li>`)}</ul>` : ''}`)}
${r ? section('four', 'FOUR: fixated, obsessive, unwanted, repeated', fourPanel(r)) : ''}
${r ? section('conduct', 'Course of conduct', html`<p>At least <strong>${r.course_of_conduct?.occasions_min ?? 0}</strong> separate occasion(s) in this text${d.linked_records.length ? html`; see the timeline for linked records` : ''}.</p>${evidenceItems(r.course_of_conduct?.evidence as never, 'No evidence of separate occasions.')}`) : ''}
${r ? section('s4a', 's4A: fear of violence, or serious alarm or distress', s4aPanel(r)) : ''}
${r ? section('risk', 'Risk markers', html`<p>Risk level: ${riskBadge(r.risk?.level ?? r.risk_level ?? 'standard')}</p>${markerList(r.risk?.markers, 'No risk marker found in the text.')}`) : ''}
${r ? section('digital', 'Digital lines of enquiry', markerList(r.digital_leads, 'No digital line of enquiry found in the text.')) : ''}
${section('timeline', 'Linked records (same victim and suspect)', timelinePanel(d, v.timeline))}
${section('history', 'Review history', historyPanel(d))}
${screening ? html`<p class="provenance">Screened ${formatDateTime(screening.screened_at)} (${screening.trigger}) by rules ${r?.versions?.rules ?? '?'}, model ${r?.versions?.model ?? '?'}, scorer ${r?.versions?.scorer ?? '?'}.</p>` : ''}
</div>
<div class="record-side">
${section('decide', 'Decide', decisionPanel(d, viewer, v.now, v.form), 'sticky')}
</div>
</div>`;
}
