// Lays evidence spans over the narrative as nested <mark> elements. Offsets are UTF-16 code units
// into the original text (CONTRACT §2), which is how JavaScript strings index, so slice() is exact.
//
// Spans may coincide (two indicators on the same words: one mark listing both), nest (one mark
// inside another) or cross. Crossing spans cannot nest in HTML, so the later one is cut at the
// boundary it crosses and shown as two marks sharing its evidence number. A span whose offsets do
// not select its own text (a screening of another version, or a bug upstream) is not drawn at all:
// a highlight in the wrong place is worse than none, so it is listed as "not placed" instead.
import { Html, escapeHtml } from './html.ts';

/** What one span is evidence of. */
export interface Annotation {
  /** Indicator category (behaviour, impact, risk, order, digital, ...). */
  category: string;
  code: string;
  label: string;
  /** Not asserted as happening to this victim (negated, hypothetical, someone else's, a counter-allegation). */
  muted: boolean;
  /** Why it is muted or qualified, with the cue words, e.g. 'negated by “did not”'. */
  qualifiers: string[];
}

export interface EvidenceSpan {
  start: number;
  end: number;
  text: string;
  annotation: Annotation;
}

export interface PlacedMark {
  /** 1-based evidence number, shown in the evidence list and used as the element id ev-N. */
  n: number;
  start: number;
  end: number;
  text: string;
  annotations: Annotation[];
}

export interface NarrativeLayout {
  html: Html;
  marks: PlacedMark[];
  unplaced: EvidenceSpan[];
}

interface Piece {
  mark: PlacedMark;
  start: number;
  end: number;
  children: Piece[];
}

/** Short visible labels: meaning never rests on colour alone. */
export const CATEGORY_TAGS: Record<string, { tag: string; name: string }> = {
  behaviour: { tag: 'BEH', name: 'Behaviour' },
  impact: { tag: 'IMP', name: 'Impact' },
  risk: { tag: 'RISK', name: 'Risk marker' },
  order: { tag: 'ORDER', name: 'Order or breach' },
  digital: { tag: 'DIG', name: 'Digital lead' },
  relationship: { tag: 'REL', name: 'Relationship' },
  ought_to_know: { tag: 'KNEW', name: 'Ought to know' },
  conduct: { tag: 'CONDUCT', name: 'Persistence' },
  model: { tag: 'MODEL', name: 'Text model' },
};

export function categoryTag(category: string): { tag: string; name: string } {
  return CATEGORY_TAGS[category] ?? { tag: category.toUpperCase().slice(0, 8), name: category };
}

/** The visible label after a mark, e.g. "BEH A2" or "IMP · hypothetical". */
export function markTag(annotations: Annotation[]): string {
  const parts = new Set<string>();
  for (const a of annotations) {
    const { tag } = categoryTag(a.category);
    // Behaviour codes (A1-N1) are what screeners know; other codes are long internal names.
    const base = a.category === 'behaviour' && a.code.length <= 4 ? `${tag} ${a.code}` : tag;
    parts.add(a.muted ? `${base} · not asserted` : base);
  }
  return [...parts].join(' + ');
}

function isPlaceable(text: string, s: EvidenceSpan): boolean {
  return (
    Number.isInteger(s.start) &&
    Number.isInteger(s.end) &&
    s.start >= 0 &&
    s.end > s.start &&
    s.end <= text.length &&
    text.slice(s.start, s.end) === s.text
  );
}

export function layoutNarrative(text: string, spans: EvidenceSpan[]): NarrativeLayout {
  const unplaced: EvidenceSpan[] = [];
  const byRange = new Map<string, PlacedMark>();
  for (const s of spans) {
    if (!isPlaceable(text, s)) {
      unplaced.push(s);
      continue;
    }
    const key = `${s.start}:${s.end}`;
    const mark = byRange.get(key);
    if (mark) {
      if (!mark.annotations.some((a) => a.code === s.annotation.code && a.category === s.annotation.category)) mark.annotations.push(s.annotation);
    } else {
      byRange.set(key, { n: 0, start: s.start, end: s.end, text: s.text, annotations: [s.annotation] });
    }
  }
  const marks = [...byRange.values()].sort((a, b) => a.start - b.start || b.end - a.end);
  marks.forEach((m, i) => (m.n = i + 1));

  // Build a laminar forest (every pair nested or disjoint), cutting crossing spans.
  const pending: Piece[] = marks.map((m) => ({ mark: m, start: m.start, end: m.end, children: [] }));
  const roots: Piece[] = [];
  const stack: Piece[] = [];
  while (pending.length) {
    const piece = pending.shift()!;
    while (stack.length && stack[stack.length - 1]!.end <= piece.start) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent && piece.end > parent.end) {
      const rest: Piece = { mark: piece.mark, start: parent.end, end: piece.end, children: [] };
      piece.end = parent.end;
      // Re-queue the remainder in (start asc, end desc) order.
      const at = pending.findIndex((p) => p.start > rest.start || (p.start === rest.start && p.end < rest.end));
      pending.splice(at === -1 ? pending.length : at, 0, rest);
    }
    (parent ? parent.children : roots).push(piece);
    stack.push(piece);
  }

  const count = new Map<PlacedMark, number>();
  const visit = (ps: Piece[]) => ps.forEach((p) => (count.set(p.mark, (count.get(p.mark) ?? 0) + 1), visit(p.children)));
  visit(roots);

  const rendered = new Map<PlacedMark, number>();
  const renderRange = (from: number, to: number, pieces: Piece[]): string => {
    let out = '';
    let at = from;
    for (const p of pieces) {
      out += escapeHtml(text.slice(at, p.start));
      out += renderPiece(p);
      at = p.end;
    }
    return out + escapeHtml(text.slice(at, to));
  };
  const renderPiece = (p: Piece): string => {
    const m = p.mark;
    const done = (rendered.get(m) ?? 0) + 1;
    rendered.set(m, done);
    const first = done === 1;
    // A cut span is labelled once, after its last piece, where the reader finishes its words.
    const last = done === count.get(m);
    const muted = m.annotations.every((a) => a.muted);
    const cats = [...new Set(m.annotations.map((a) => a.category))];
    const classes = ['ev', ...cats.map((c) => `cat-${c.replace(/[^a-z_]/gi, '')}`), muted ? 'muted' : ''].filter(Boolean).join(' ');
    const title = m.annotations
      .map((a) => `${categoryTag(a.category).name}: ${a.label}${a.qualifiers.length ? ` (${a.qualifiers.join('; ')})` : ''}`)
      .join(' | ');
    const attrs = [
      `class="${classes}"`,
      // Only the first piece of a cut span carries the id the evidence list links to.
      first ? `id="ev-${m.n}"` : '',
      `data-ev="${m.n}"`,
      `data-codes="${escapeHtml(m.annotations.map((a) => a.code).join(' '))}"`,
      last ? `data-tag="${escapeHtml(`${m.n} ${markTag(m.annotations)}`)}"` : '',
      count.get(m)! > 1 ? `data-part="${done}"` : '',
      `title="${escapeHtml(title)}"`,
      'tabindex="-1"',
    ].filter(Boolean);
    return `<mark ${attrs.join(' ')}>${renderRange(p.start, p.end, p.children)}</mark>`;
  };

  return { html: new Html(renderRange(0, text.length, roots)), marks, unplaced };
}
