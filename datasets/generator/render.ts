// Lays the parts of a narrative out in its writing style and adds the noise of real records:
// control-room logs get timestamps, " - " separators, abbreviations, dropped words, typos and
// often UPPER CASE; summaries and statements get paragraphs and the odd typo.
import type { Part } from './compose.ts';
import type { Style } from './lexicon.ts';
import { logStamp } from './lexicon.ts';
import type { Rng } from './random.ts';

const ABBREVIATIONS: readonly [RegExp, readonly string[], number][] = [
  [/\bex-partner\b/gi, ['ex-p', 'ex', 'EX-P', 'ex-p'], 0.7],
  [/\bboyfriend\b/gi, ['BF'], 0.8],
  [/\bgirlfriend\b/gi, ['GF'], 0.8],
  [/\bthe victim\b/gi, ['IP', 'VIW'], 0.8],
  [/\bthe suspect\b/gi, ['SUSP', 'S1'], 0.8],
  [/\bwithout\b/gi, ['w/o'], 0.7],
  [/\bwith\b/gi, ['w/'], 0.25],
  [/\bdomestic abuse\b/gi, ['DA'], 0.8],
  [/\bnon-molestation order\b/gi, ['NMO'], 0.9],
  [/\brestraining order\b/gi, ['RO'], 0.9],
  [/\bstalking protection order\b/gi, ['SPO'], 0.9],
  [/\bno further action\b/gi, ['NFA'], 0.9],
  [/\binformation\b/gi, ['info'], 0.6],
  [/\bbecause\b/gi, ['cos', 'bc', 'as'], 0.5],
  [/\bmessages\b/gi, ['msgs'], 0.6],
  [/\bmessage\b/gi, ['msg'], 0.5],
  [/\baddress\b/gi, ['addr', 'ADD'], 0.3],
  [/\bvehicle\b/gi, ['veh'], 0.7],
  [/\bofficers\b/gi, ['offs', 'OFFS'], 0.5],
  [/\bprevious\b/gi, ['prev'], 0.6],
  [/\bbetween\b/gi, ['btwn'], 0.5],
  [/\babout\b/gi, ['abt', 're'], 0.3],
  [/\band\b/gi, ['&'], 0.2],
  [/\bneighbour\b/gi, ['NBR', 'N/BOUR'], 0.4],
  [/\bwithheld\b/gi, ['w/h'], 0.5],
  [/\bmobile\b/gi, ['mob'], 0.4],
  [/\bhospital\b/gi, ['hosp'], 0.5],
  [/\bstatement\b/gi, ['stmt', 'MG11'], 0.4],
  [/\bapproximately\b/gi, ['approx'], 0.8],
  [/\bofficer in the case\b/gi, ['OIC'], 0.9],
  [/\bregistration\b/gi, ['VRM'], 0.8],
  [/\bdomestic\b/gi, ['DOM'], 0.2],
  [/\bthree times\b/gi, ['x3'], 0.7],
  [/\bfour times\b/gi, ['x4'], 0.7],
  [/\btwice\b/gi, ['x2'], 0.5],
  [/\bthe relationship\b/gi, ['the rel'], 0.3],
];

const MISSPELLINGS: Record<string, string> = {
  received: 'recieved', separate: 'seperate', separated: 'seperated', harassment: 'harrassment', occasions: 'occassions',
  address: 'adress', believes: 'beleives', which: 'wich', their: 'thier', threatening: 'threatning', definitely: 'definately',
  neighbour: 'nieghbour', because: 'becuase', friend: 'freind', again: 'agian', whether: 'wether', until: 'untill',
  occurred: 'occured', apparently: 'apparantly', aggressive: 'agressive', embarrassed: 'embarassed', tomorrow: 'tommorow',
};

/** One random keyboard slip in a word: swap, drop or double a letter. */
function slip(rng: Rng, w: string): string {
  const i = rng.int(1, w.length - 2);
  const kind = rng.int(0, 2);
  if (kind === 0) return w.slice(0, i) + w[i + 1]! + w[i]! + w.slice(i + 2);
  if (kind === 1) return w.slice(0, i) + w.slice(i + 1);
  return w.slice(0, i) + w[i]! + w.slice(i);
}

export function addTypos(rng: Rng, text: string, rate: number): string {
  return text.replace(/\b[a-z]{5,}\b/g, (w) => {
    const known = MISSPELLINGS[w];
    if (known && rng.chance(rate * 8)) return known;
    return rng.chance(rate) ? slip(rng, w) : w;
  });
}

function abbreviate(rng: Rng, text: string): string {
  let out = text;
  for (const [re, subs, p] of ABBREVIATIONS) out = out.replace(re, (m) => (rng.chance(p) ? rng.pick(subs) : m));
  out = out.replace(/\b(\d+) times\b/g, (m, n: string) => (rng.chance(0.6) ? `x${n}` : m));
  return out;
}

/** Control-room shorthand: drop articles and auxiliaries some of the time. */
function terse(rng: Rng, text: string): string {
  return text
    .replace(/\b(the|a|an) /gi, (m) => (rng.chance(0.35) ? '' : m))
    .replace(/\bhas been /g, (m) => (rng.chance(0.4) ? '' : m))
    .replace(/\bthat /g, (m) => (rng.chance(0.5) ? '' : m));
}

function sentence(t: string): string {
  const s = t.trim();
  return /[.!?]["')]?$/.test(s) ? s : `${s}.`;
}

function stripStop(t: string): string {
  return t.trim().replace(/\.$/, '');
}

export interface RenderInput {
  parts: readonly Part[];
  style: Style;
  /** Hour and minute of the first log entry. */
  start: { h: number; m: number };
}

export function render(rng: Rng, input: RenderInput): string {
  if (input.style === 'control_room_log') return renderLog(rng, input);
  if (input.style === 'officer_summary') return renderSummary(rng, input.parts);
  return renderStatement(rng, input.parts);
}

function renderLog(rng: Rng, { parts, start }: RenderInput): string {
  const upper = rng.chance(0.55);
  const typoRate = rng.pick([0, 0.01, 0.02, 0.03, 0.05]);
  const entries = parts.map((p) => {
    let t = stripStop(p.text);
    t = terse(rng, abbreviate(rng, t));
    t = addTypos(rng, t, typoRate);
    return t;
  });
  // Group entries into timestamped lines, several entries per line joined by " - ".
  const lines: string[] = [];
  let minutes = start.h * 60 + start.m;
  let i = 0;
  while (i < entries.length) {
    const take = Math.min(entries.length - i, rng.int(1, 3));
    const body = entries.slice(i, i + take).join(rng.pick([' - ', ' - ', '. ', ' -- ']));
    const stamp = logStamp(rng, Math.floor(minutes / 60) % 24, minutes % 60);
    lines.push(rng.chance(0.85) || i === 0 ? `${stamp} ${body}` : body);
    minutes += rng.int(1, 40);
    i += take;
  }
  const text = lines.join(rng.chance(0.7) ? '\n' : ' - ');
  return upper ? text.toUpperCase() : text;
}

function renderSummary(rng: Rng, parts: readonly Part[]): string {
  const typoRate = rng.pick([0, 0, 0.003, 0.008]);
  const of = (sections: string[]): string[] => parts.filter((p) => sections.includes(p.section)).map((p) => sentence(p.text));
  const opening = parts[0]?.text ?? '';
  const labelled = /^(Circumstances|MO|Crime summary):/.test(opening);
  const header = labelled ? '' : rng.pick(['', '', 'Crime summary: ', 'MO: ', 'Summary of incident: ']);
  const para1 = of(['opener', 'background', 'event', 'ought', 'risk']).join(' ');
  const impact = of(['impact']);
  const acts = parts.filter((p) => p.section === 'action').map((p) => stripStop(p.text));
  const closes = of(['closing']);
  const paras = [header + para1];
  if (impact.length) paras.push(rng.pick(['Impact: ', 'Victim impact: ', '', 'VPS: ']) + impact.join(' '));
  if (acts.length) {
    paras.push(rng.chance(0.5) ? `${rng.pick(['Action taken: ', 'Enquiries: ', 'Actions: '])}${acts.join('; ')}.` : acts.map(sentence).join(' '));
  }
  if (closes.length) paras.push(closes.join(' '));
  const text = paras.join(rng.pick(['\n\n', '\n\n', '\n', ' ']));
  return addTypos(rng, text, typoRate);
}

function renderStatement(rng: Rng, parts: readonly Part[]): string {
  const typoRate = rng.pick([0, 0, 0, 0.004]);
  const of = (sections: string[]): string => parts.filter((p) => sections.includes(p.section)).map((p) => sentence(p.text)).join(' ');
  const header = rng.pick(['', '', '', 'Statement extract: ', 'MG11 extract - ', '... ']);
  const paras = [header + of(['opener', 'background']), of(['event']), of(['ought', 'risk']), of(['impact']), of(['closing'])].filter((p) => p.trim());
  const text = paras.join(rng.pick(['\n\n', '\n', ' ']));
  return addTypos(rng, text, typoRate);
}
