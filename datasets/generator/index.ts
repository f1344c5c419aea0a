// generateDataset({ seed, n }): the seeded synthetic development corpus. Deterministic for a seed:
// every record draws from its own stream derived from (seed, position), and nothing reads the clock.
import type { LabelledRecord } from '../schema.ts';
import { BEHAVIOUR_CODES } from './behaviours.ts';
import type { BehaviourCode, RiskMarker } from './behaviours.ts';
import type { Draft, Part } from './compose.ts';
import { Builder, filler } from './compose.ts';
import type { Style } from './lexicon.ts';
import { addDays, isoDate } from './lexicon.ts';
import type { NegativeScenario } from './negatives.ts';
import { EASY_TYPES, LINKED_SINGLE, NEGATIVE_SCENARIOS, writeEasy } from './negatives.ts';
import type { Cast, Person, Relationship } from './people.ts';
import { makeCast, makePerson, suspectSex, victimSex } from './people.ts';
import type { PositivePlan } from './positives.ts';
import { planPositive, writePositive } from './positives.ts';
import { Rng } from './random.ts';
import { render } from './render.ts';

export interface GenerateOptions {
  seed: number;
  n: number;
  /** Share of stalking records (default 0.15). */
  prevalence?: number;
  /** Share of hard negatives among negatives (default 0.45). */
  hardShare?: number;
  /** Length limits of `text` in characters (default 200..2000). */
  minChars?: number;
  maxChars?: number;
  /** Prefix of record ids (default "syn"). */
  idPrefix?: string;
}

type Slot =
  | { type: 'positive'; series?: Series }
  | { type: 'hard'; series?: Series }
  | { type: 'easy' };

interface Series {
  victim: Person;
  suspect: Person;
  relationship: Relationship;
  victimRef: string;
  suspectRef: string;
  date: Date;
}

const EPOCH = Date.UTC(2023, 0, 1);
const STYLES: readonly (readonly [Style, number])[] = [['control_room_log', 40], ['officer_summary', 35], ['victim_statement', 25]];

const HIGH: ReadonlySet<RiskMarker> = new Set(['threat_to_kill', 'violence', 'weapon', 'tracker', 'break_in', 'fear_of_death']);

/** DOMAIN §4.3: high for threats to kill, violence, weapons, trackers, break-ins, fear of being killed, breach with escalation. */
export function riskLevel(markers: ReadonlySet<RiskMarker>): 'high' | 'medium' | 'standard' {
  if ([...markers].some((m) => HIGH.has(m))) return 'high';
  if (markers.has('breach') && markers.has('escalation')) return 'high';
  return markers.size > 0 ? 'medium' : 'standard';
}

function buildSlots(rng: Rng, opts: Required<Omit<GenerateOptions, 'idPrefix'>>): Slot[] {
  const nPos = Math.round(opts.n * opts.prevalence);
  const nNeg = opts.n - nPos;
  const nHard = Math.round(nNeg * opts.hardShare);
  const slots: Slot[] = [];
  let pos = nPos;
  let hard = nHard;
  // A few people appear in several records so record linking can be tested.
  const nSeries = opts.n >= 50 ? Math.max(2, Math.floor(opts.n / 250)) : 0;
  for (let s = 0; s < nSeries; s++) {
    const srng = Rng.derive(opts.seed, 'series', s);
    const positive = s % 2 === 0;
    const k = positive ? srng.int(2, 3) : srng.int(2, 4);
    if (positive ? pos < k : hard < k) continue;
    const relationship: Relationship = positive ? srng.weighted([['ex-partner', 6], ['neighbour', 1], ['acquaintance', 1], ['colleague', 1]] as const) : srng.weighted([['ex-partner', 4], ['acquaintance', 1], ['neighbour', 1]] as const);
    const victim = makePerson(srng, victimSex(srng));
    const suspect = makePerson(srng, suspectSex(srng, victim.sex));
    let date = new Date(EPOCH + srng.int(0, 900) * 86_400_000);
    for (let j = 0; j < k; j++) {
      const series: Series = { victim, suspect, relationship, victimRef: `series-${s}-v`, suspectRef: `series-${s}-s`, date };
      slots.push(positive ? { type: 'positive', series } : { type: 'hard', series });
      date = addDays(date, srng.int(5, 45));
    }
    if (positive) pos -= k;
    else hard -= k;
  }
  for (let i = 0; i < pos; i++) slots.push({ type: 'positive' });
  for (let i = 0; i < hard; i++) slots.push({ type: 'hard' });
  for (let i = 0; i < nNeg - nHard; i++) slots.push({ type: 'easy' });
  return rng.shuffle(slots);
}

interface Written {
  draft: Draft;
  builder: Builder;
}

function writeSlot(rng: Rng, slot: Slot, style: Style, date: Date): Written {
  const series = slot.type !== 'easy' ? slot.series : undefined;
  if (slot.type === 'positive') {
    const plan: PositivePlan = planPositive(rng, series?.relationship);
    const cast = makeCast(rng, plan.relationship, series?.victim, series?.suspect);
    const b = new Builder(rng, style, cast, date, plan.order);
    b.voice.emoji = rng.chance(0.08);
    return { draft: writePositive(b, plan), builder: b };
  }
  let scenario: NegativeScenario;
  let rel: Relationship | undefined;
  if (slot.type === 'hard') {
    scenario = series ? LINKED_SINGLE : rng.weighted(NEGATIVE_SCENARIOS.map((s) => [s, s.weight] as const));
    rel = series ? series.relationship : rng.weighted(scenario.rels);
    const cast: Cast = makeCast(rng, rel ?? 'unknown', series?.victim, series?.suspect);
    const b = new Builder(rng, style, cast, date);
    b.voice.emoji = rng.chance(0.08);
    const body = scenario.write(b);
    return { draft: { ...body, scenario: scenario.name, label_stalking: false, label_s4a: false, ...(rel ? { relationship: rel } : {}) }, builder: b };
  }
  const type = rng.pick(EASY_TYPES);
  const cast = makeCast(rng, type.rel ?? 'unknown');
  const b = new Builder(rng, style, cast, date);
  const body = writeEasy(b, type);
  return { draft: { ...body, scenario: `negative:${type.name}`, label_stalking: false, label_s4a: false, ...(type.rel ? { relationship: type.rel } : {}) }, builder: b };
}

function tagsOf(parts: readonly Part[]): { codes: BehaviourCode[]; markers: Set<RiskMarker>; online: boolean } {
  const codes = new Set<BehaviourCode>();
  const markers = new Set<RiskMarker>();
  let online = false;
  for (const p of parts) {
    p.codes.forEach((c) => codes.add(c));
    p.risk.forEach((m) => markers.add(m));
    online ||= p.online;
  }
  return { codes: BEHAVIOUR_CODES.filter((c) => codes.has(c)), markers, online };
}

/** A length to aim for: records vary from a two-line log to a long statement. */
function targetLength(rng: Rng, style: Style, min: number, max: number): number {
  const [lo, hi] = style === 'control_room_log' ? [220, 1100] : style === 'officer_summary' ? [300, 1500] : [400, 1900];
  // Skewed towards the short end, as real narratives are.
  const u = rng.next() * rng.next();
  // The same target for every label: length should say as little as possible about the label.
  const t = Math.round(lo + (hi - lo) * u);
  // Callers asking for long texts (the benchmark's 1-2 KB) get a spread above their minimum.
  if (t < min) return Math.round(min + (max - min) * 0.5 * rng.next());
  return Math.min(max, t);
}

/** Render the parts, dropping optional parts while too long and adding neutral filler while too short. */
function fitText(rng: Rng, b: Builder, start: { h: number; m: number }, risk: string, min: number, max: number, hardMin: number): string {
  const gradeFor = (level: string): string => (level === 'standard' || rng.chance(0.75) ? level : level === 'high' ? 'medium' : 'standard');
  const grade = gradeFor(risk).toUpperCase();
  const draw = (): string => render(rng, { parts: b.parts, style: b.style, start }).replace(/%RISK%/gi, grade);
  let text = draw();
  // A few neutral lines towards the target, more only if the hard minimum demands it, so that
  // filler never dominates a record.
  let added = 0;
  while (text.length < min && (added < 4 || text.length < hardMin) && added < 400) {
    // Add lines worth roughly the missing length, then render once: rendering is the slow part.
    const before = b.parts.length;
    let budget = min - text.length;
    while (budget > 0 && (added < 4 || text.length < hardMin) && added < 400) {
      if (!filler(b, text.length < hardMin)) break;
      budget -= b.parts[b.parts.length - 1]!.text.length + 3;
      added++;
    }
    if (b.parts.length === before) break;
    text = draw();
  }
  for (let guard = 0; guard < 40 && text.length > max; guard++) {
    const idx = b.parts.map((p) => p.optional).lastIndexOf(true);
    if (idx < 0) break;
    b.parts.splice(idx, 1);
    text = draw();
  }
  return text;
}

export function generateDataset(options: GenerateOptions): LabelledRecord[] {
  const opts = {
    seed: options.seed,
    n: options.n,
    prevalence: options.prevalence ?? 0.15,
    hardShare: options.hardShare ?? 0.45,
    minChars: options.minChars ?? 200,
    maxChars: options.maxChars ?? 2000,
  };
  const prefix = options.idPrefix ?? 'syn';
  const master = Rng.derive(opts.seed, 'slots');
  const slots = buildSlots(master, opts);
  const width = Math.max(5, String(slots.length).length);
  let personCounter = 100_000;
  const seriesRefs = new Map<string, string>();
  const ref = (key: string): string => {
    let r = seriesRefs.get(key);
    if (!r) seriesRefs.set(key, (r = `P${personCounter++}`));
    return r;
  };

  return slots.map((slot, i) => {
    const rng = Rng.derive(opts.seed, 'record', i);
    const series = slot.type !== 'easy' ? slot.series : undefined;
    // Routine business is not written up as victim statements.
    const style = slot.type === 'easy' ? rng.weighted(STYLES.slice(0, 2)) : rng.weighted(STYLES);
    const date = series?.date ?? new Date(EPOCH + rng.int(0, 1000) * 86_400_000);
    const { draft, builder } = writeSlot(rng, slot, style, date);

    const tags = tagsOf(builder.parts);
    const label_risk = riskLevel(tags.markers);
    const h = rng.int(0, 23);
    const m = rng.int(0, 59);
    const target = targetLength(rng, style, opts.minChars, opts.maxChars);
    let text = fitText(rng, builder, { h, m }, label_risk, target, opts.maxChars, opts.minChars);
    if (text.length < opts.minChars) throw new Error(`record ${i + 1} is only ${text.length} characters`);
    // Tags again: trimming only removes optional parts, which never carry codes, but be exact.
    const kept = tagsOf(builder.parts);
    if (rng.chance(0.04) && text.includes('\n')) text = text.replace(/\n/g, '\r\n');

    const reportedDay = addDays(date, rng.chance(0.6) ? 0 : rng.int(1, 10));
    const dateTime = (d: Date, hh: number, mm: number): string => `${isoDate(d)}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00Z`;
    const log = style === 'control_room_log';
    let victim_ref: string | undefined;
    let suspect_ref: string | undefined;
    if (series) {
      victim_ref = ref(series.victimRef);
      suspect_ref = ref(series.suspectRef);
    } else if (rng.chance(0.5)) {
      victim_ref = ref(`v${i}`);
      if (draft.relationship && draft.relationship !== 'unknown') suspect_ref = ref(`s${i}`);
    }

    const record: LabelledRecord = {
      id: `${prefix}-${String(i + 1).padStart(width, '0')}`,
      text,
      kind: draft.kind,
      recorded_as: draft.recorded_as,
      ...(draft.opening_code && log ? { opening_code: draft.opening_code } : {}),
      occurred_at: log ? dateTime(date, h, m) : isoDate(date),
      reported_at: log ? dateTime(reportedDay, h, m) : isoDate(reportedDay),
      ...(victim_ref ? { victim_ref } : {}),
      ...(suspect_ref ? { suspect_ref } : {}),
      ...(draft.relationship ? { relationship: draft.relationship } : {}),
      source: log ? 'control-room' : 'rms',
      label_stalking: draft.label_stalking,
      label_s4a: draft.label_s4a,
      label_risk,
      style,
      online: kept.online,
      indicators: kept.codes,
      rationale: draft.rationale,
      scenario: draft.scenario,
    };
    return record;
  });
}

export function toJsonl(records: readonly LabelledRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}
