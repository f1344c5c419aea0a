// Stalking narratives: a course of conduct (two or more occasions) by one suspect against one victim,
// mostly recorded as something else (DOMAIN §5.1). About a third meet s4A through an impact limb.
import type { BehaviourCode } from './behaviours.ts';
import { BEHAVIOUR_CODES, BEHAVIOURS, fits } from './behaviours.ts';
import type { ClassKey } from './classifications.ts';
import { CLASSIFICATIONS, ORDER_LABELS, POSITIVE_RELATIONSHIPS, codeWeight } from './classifications.ts';
import type { Builder, Draft } from './compose.ts';
import { LEADS_FIRST, LEADS_MORE, actions, closing, opener } from './compose.ts';
import type { ImpactTemplate } from './impacts.ts';
import { FEAR_TWICE, MILD, NOT_RECORDED, SERIOUS_DISTRESS, SINGLE_FEAR, SUBSTANTIAL_EFFECTS } from './impacts.ts';
import type { Order } from './lexicon.ts';
import { EMOJI_QUOTES, ORDERS } from './lexicon.ts';
import type { Relationship } from './people.ts';
import type { Rng } from './random.ts';

export interface PositivePlan {
  relationship: Relationship;
  cls: ClassKey;
  s4a: boolean;
  order?: Order;
}

function eligible(cls: ClassKey, rel: Relationship): boolean {
  const c = CLASSIFICATIONS[cls];
  if (c.rels && !c.rels.includes(rel)) return false;
  return c.presenting.some((code) => code === 'L1' || code === 'M1' || codeWeight(rel, code) > 0);
}

export function planPositive(rng: Rng, relationship?: Relationship): PositivePlan {
  const rel = relationship ?? rng.weighted(POSITIVE_RELATIONSHIPS);
  const entries = (Object.keys(CLASSIFICATIONS) as ClassKey[])
    .filter((k) => eligible(k, rel))
    .map((k) => [k, k === 'misconduct' && rel === 'police officer' ? 25 : CLASSIFICATIONS[k].weight] as const);
  const cls = rng.weighted(entries);
  // Correct s4A recordings are mostly right; a few were over-recorded (DOMAIN §5.2: 3 s4A -> s2A).
  const s4a = cls === 'stalking_s4a' ? rng.chance(0.9) : rng.chance(0.35);
  let order: Order | undefined;
  if (cls === 'breach' || rng.chance(0.06)) {
    const domestic = rel === 'ex-partner' || rel === 'family';
    order = rng.pick(ORDERS.filter((o) => domestic || !o.domesticOnly));
  }
  return { relationship: rel, cls, s4a, ...(order ? { order } : {}) };
}

const BACKGROUND: Partial<Record<Relationship, readonly { t: string; sep?: boolean; kids?: boolean; logOnly?: boolean }[]>> = {
  'ex-partner': [
    { t: '{V:was|was} in a relationship with {s} for {years}; it ended in {month}', sep: true },
    { t: '{we} were together {years} and have children together; the relationship ended in {month}', sep: true, kids: true },
    { t: '{we} separated in {month} after {years} together', sep: true },
    { t: '{S} has not accepted that the relationship is over', sep: true },
    { t: 'the relationship ended some years ago and {we} had little contact until recently' },
    { t: 'IP AND SUSP SEPARATED {month} AFTER {years}', sep: true, logOnly: true },
    { t: 'RELATIONSHIP ENDED {month}, SUSP NOT ACCEPTING IT', sep: true, logOnly: true },
    { t: '{V:ended|ended} the relationship in {month} when {V:moved|moved} out', sep: true },
  ],
  neighbour: [
    { t: '{S} lives {nbr}' },
    { t: '{S} moved in {nbr} in {month}' },
    { t: 'there was a disagreement about parking last year and since then {S} has fixated on {v}' },
  ],
  colleague: [
    { t: '{S} works with {v} at {employer}' },
    { t: '{S} was {vp} line manager until {month}' },
    { t: '{V:turned|turned} down {sp} request for a date at work in {month}' },
  ],
  acquaintance: [
    { t: '{V:met|met} {s} through a mutual friend' },
    { t: '{V:knows|know} {s} from {place}' },
    { t: '{V:went|went} on one date with {s} in {month} and did not want to see {s} again' },
    { t: '{S} is a former customer from {vp} work' },
  ],
  friend: [
    { t: '{V:was|was} friends with {s} for {years} until a falling out in {month}' },
    { t: '{S} is an old school friend; {we} stopped speaking in {month}' },
  ],
  family: [
    { t: '{S} is {vp} {relnoun}; {we} have not spoken since {month}' },
    { t: '{V:cut|cut} contact with {s} in {month} after a family row' },
  ],
  stranger: [
    { t: '{V:did|did} not know {s} before {month}' },
    { t: '{S} first spoke to {v} at {place} in {month}' },
    { t: '{V:has|have} never spoken to {s}' },
  ],
  'online-only': [
    { t: '{V:has|have} never met {s} in person; {we} first spoke on {platform} in {month}' },
    { t: '{V:matched|matched} with {s} on a dating app in {month} but never met up' },
    { t: '{S} is only known to {v} through an online gaming group' },
  ],
  unknown: [
    { t: '{V:does|do} not know who is responsible' },
    { t: '{V:has|have} no idea who it is' },
    { t: 'no suspect identified at this time' },
  ],
  'police officer': [
    { t: '{Sname} is a police officer who dealt with a report {V:made|made} in {month}' },
    { t: '{Sname} is a serving officer {V:met|met} when reporting a burglary last year' },
  ],
};

const NEIGHBOUR_PLACES = ['two doors down', 'in the flat above', 'opposite', 'next door', 'in the same block', 'across the road'];

const OUGHT: readonly (string | ImpactTemplate)[] = [
  '{V:has|have} told {s} to leave {v} alone {freq}',
  '{V:has|have} blocked {s} on everything',
  '{S} was given words of advice by police in {month} but carried on',
  '{vp} family told {s} to stay away',
  '{V:made|made} it clear {V:wanted|wanted} no contact',
  '{S} was warned by officers on {date}',
  { t: 'SUSP PREV WARNED BY POLICE', logOnly: true },
  '{S} knows {V:wants|want} nothing to do with {s}',
];

const SHARED_CONTEXT = [
  'there was an argument about {topic} before this started',
  'there was a dispute about {topic} last year',
  '{V:was|was} worried about reporting it',
  '{V:gets|get} on with {sp} family otherwise',
  '{V:is|am} worried about {vp} safety',
  '{V:wanted|wanted} it logged in case',
  '{V:wants|want} advice on what to do',
  'words were exchanged the first time',
];

const DETAILS: Partial<Record<BehaviourCode, readonly string[]>> = {
  A1: ['{V:has|have} a call log showing the calls', 'phone records to be requested', '{V:has|have} screenshots of the call list'],
  A2: ['{V:has|have} kept screenshots of the messages', 'one of the messages read "{quote}"', 'the messages come from a number ending {tail}'],
  B1: ['screenshots of the comments provided', 'the account name is a variation of {sp} name'],
  B2: ['{V:has|have} a list of the account names', 'the accounts all use the same profile photo'],
  C1: ['the VRM {vrm} was noted', '{V:got|got} a photo of the car'],
  C2: ['doorbell footage shows {s} at the door', 'a neighbour saw {s} at the door'],
  C3: ['colleagues have seen {s} outside', 'security at work have been told'],
  C4: ['the VRM {vrm} was noted', 'neighbours have taken photos'],
  E1: ['the gifts have been kept for police', 'the cards are signed with {sp} initial'],
  I1: ['photos of the damage taken', 'the repair will cost about £{nn}0'],
  D1: ['the device has been seized for examination', 'the garage kept the tracker'],
  D2: ['the phone has been offered for examination', '{V:has|have} not wanted to hand over {vp} phone'],
  L1: ['the order was served on {s} in person', 'the order runs until next year'],
};

const ESCALATION = [
  '{V:says|say} it is getting worse',
  'the contact has escalated over the last fortnight',
  'behaviour escalating - now daily',
  'it has got much worse since {month}',
  '{S} is getting bolder each time',
];


function chooseCodes(b: Builder, plan: PositivePlan, extra: number): BehaviourCode[] {
  const rng = b.rng;
  const rel = plan.relationship;
  const cls = CLASSIFICATIONS[plan.cls];
  const k = plan.s4a
    ? rng.weighted([[1, 10], [2, 30], [3, 35], [4, 20], [5, 5]] as const)
    : rng.weighted([[1, 30], [2, 35], [3, 25], [4, 10]] as const);
  const want = k + extra;
  const lead = rng.weighted(cls.presenting.map((c) => [c, c === 'L1' || c === 'M1' ? 1 : codeWeight(rel, c)] as const));
  const codes: BehaviourCode[] = [lead];
  if (rel === 'police officer' && lead !== 'M1' && rng.chance(0.75)) codes.push('M1');
  if (plan.order && lead !== 'L1') codes.push('L1');
  const boost: Partial<Record<BehaviourCode, number>> = plan.s4a ? { J1: 1.5, A4: 1.5, F1: 1.5, C2: 1.3 } : {};
  const pool = BEHAVIOUR_CODES.filter((c) => !codes.includes(c) && c !== 'L1' && c !== 'M1' && codeWeight(rel, c) > 0);
  while (codes.length < want && pool.length) {
    const c = rng.weighted(pool.map((x) => [x, codeWeight(rel, x) * (boost[x] ?? 1)] as const));
    codes.push(c);
    pool.splice(pool.indexOf(c), 1);
  }
  return codes;
}

function canRepeat(b: Builder, code: BehaviourCode): boolean {
  return BEHAVIOURS[code].some((t) => fits(t, b.style, 'repeat'));
}

export function writePositive(b: Builder, plan: PositivePlan): Draft {
  const rng = b.rng;
  const rel = plan.relationship;
  const cls = CLASSIFICATIONS[plan.cls];
  const style = b.style;
  // Some records are terse: a couple of lines with no background or follow-up.
  const terse = rng.chance(0.25);
  // ...and some are long: more behaviours and more evidence detail.
  const long = !terse && rng.chance(0.15);
  opener(b);

  const background = BACKGROUND[rel];
  if (background && rng.chance(terse ? 0.3 : 0.8)) {
    const bg = rng.pick(background.filter((x) => b.log || !x.logOnly));
    const risk = [...(bg.sep ? (['separation'] as const) : []), ...(bg.kids ? (['children'] as const) : [])];
    b.add('background', bg.t, { risk, fill: { nbr: rng.pick(NEIGHBOUR_PLACES) } });
  }
  if (plan.order) b.add('background', rng.pick(['{S} was made subject to {an_order} in {month}', '{order} in place since {month}', '{S} is subject to {an_order} not to contact {v}']), {});

  // Words that are common in negatives appear in positives too, in neutral sentences.
  if (rng.chance(0.3)) b.addOne('background', SHARED_CONTEXT, { fill: { topic: rng.pick(['money', 'the car', 'parking', 'a loan', 'the children']) } });
  const codes = chooseCodes(b, plan, long ? 2 : 0).slice(0, terse ? 2 : undefined);
  let maxOccasions = 0;
  codes.forEach((code, i) => {
    const first = i === 0;
    const repeatable = canRepeat(b, code);
    const role = !repeatable ? 'single' : first ? (codes.length > 1 && rng.chance(0.5) ? 'single' : 'repeat') : rng.chance(0.7) ? 'repeat' : 'single';
    const lead = rng.pick((first ? LEADS_FIRST : LEADS_MORE)[style]!);
    maxOccasions = Math.max(maxOccasions, b.behaviour(code, role, { lead }));
  });
  // A course of conduct needs two or more occasions: make sure one behaviour is plainly repeated.
  if (maxOccasions < 2) {
    const code = codes.find((c) => canRepeat(b, c)) ?? (codeWeight(rel, 'A2') > 0 ? 'A2' : 'C4');
    if (!codes.includes(code)) codes.push(code);
    b.behaviour(code, 'repeat', { lead: rng.pick(LEADS_MORE[style]!) });
  }

  // Evidence details tied to behaviours already described (DOMAIN §8.3); they add no new codes.
  const details = codes.flatMap((c) => DETAILS[c] ?? []);
  for (const t of rng.sample(details, terse ? 0 : long ? rng.int(2, 3) : rng.int(0, 2))) b.add('event', t);
  if (b.voice.emoji && codes.some((c) => c === 'A2' || c === 'B1' || c === 'B2')) {
    b.add('event', rng.pick(['the last message read "{quote}"', 'the latest just said "{quote}"', 'LAST MSG READ "{quote}"'].filter((t) => b.log || !t.startsWith('LAST'))), { fill: { quote: rng.pick(EMOJI_QUOTES) } });
  }

  if (rng.chance(terse ? 0.25 : 0.55)) b.addOne('ought', OUGHT, { fill: { freq: rng.pick(['repeatedly', 'many times', 'more than once', 'several times', 'x3', 'again and again']) } });
  if (rng.chance(plan.s4a ? 0.35 : 0.18)) b.add('risk', rng.pick(ESCALATION), { risk: ['escalation'] });
  if (rng.chance(0.05) && rel !== 'online-only' && rel !== 'unknown') {
    b.add('risk', rng.pick(['{S} showed {v} a knife and said {Sp} would use it', '{S} was seen with a baseball bat outside the house', '{S} told {v} {Sp:has|have} a knife in the car']), { risk: ['weapon', 'threat_to_kill'], codes: ['J1'] });
    if (!codes.includes('J1')) codes.push('J1');
  }
  if (rel === 'ex-partner' && rng.chance(0.12)) b.add('risk', rng.pick(['there is a history of domestic abuse in the relationship', '{S} has previous DA reports from another ex-partner']), { risk: ['da_history'] });
  if (rng.chance(0.05)) b.add('risk', rng.pick(['{S} has previous for harassment of another ex-partner', '{S} was on a restraining order for a previous victim']), { risk: ['previous_stalking'] });
  if (rng.chance(0.08)) b.add('risk', rng.pick(['{kid} was with {v} at the time', '{kid} has been frightened by it too']), { risk: ['children'] });

  const impact = writeImpact(b, plan.s4a);

  const recordedStalking = plan.cls === 'stalking_s2a' || plan.cls === 'stalking_s4a';
  if (!recordedStalking && rng.chance(0.07)) {
    b.add('impact', rng.pick(['{V:feels|feel} like {V:is|am} being stalked', '{V:asked|asked} whether this counts as stalking', 'IP STATES FEELS STALKED']));
  }
  if (recordedStalking && rng.chance(0.5)) b.add('action', rng.pick(['stalking crime raised', 'S-DASH completed', 'SPO considered - not applied for at this stage', 'crime recorded as stalking']), { optional: true });
  actions(b, terse ? rng.int(0, 1) : rng.int(1, 4), true);
  if (rng.chance(terse ? 0.3 : 0.75)) closing(b);

  const recorded_as = plan.cls === 'breach' && plan.order ? ORDER_LABELS[plan.order.short]! : rng.pick(cls.labels);
  const limb = impact;
  const rationale = [
    `course of conduct by ${rel} (${[...new Set(codes)].join(', ')}) on two or more occasions`,
    plan.s4a ? `s4A: ${limb}` : `s2A only: ${limb}`,
    `recorded as ${recorded_as}`,
  ].join('; ');
  return {
    scenario: `positive:${plan.cls}`,
    label_stalking: true,
    label_s4a: plan.s4a,
    recorded_as,
    kind: cls.kind,
    opening_code: plan.cls === 'breach' ? 'BREACH OF ORDER' : cls.opening,
    relationship: rel,
    rationale,
  };
}

/** Adds the impact text and returns a short description of it for the rationale. */
function writeImpact(b: Builder, s4a: boolean): string {
  const rng = b.rng;
  if (s4a) {
    const limb = rng.weighted([['i', 45], ['ii', 40], ['both', 15]] as const);
    const said: string[] = [];
    if (limb === 'i' || limb === 'both') {
      b.addOne('impact', FEAR_TWICE);
      said.push('fear of violence on two or more occasions (limb i)');
    }
    if (limb === 'ii' || limb === 'both') {
      b.addOne('impact', SERIOUS_DISTRESS);
      const kinds = rng.sample(Object.keys(SUBSTANTIAL_EFFECTS), rng.int(1, 3));
      for (const k of kinds) b.addOne('impact', SUBSTANTIAL_EFFECTS[k]!);
      said.push(`serious distress with substantial effect on daily life: ${kinds.join(', ')} (limb ii)`);
    }
    return said.join(' and ');
  }
  const kind = rng.weighted([['none', 25], ['not_recorded', 15], ['mild', 45], ['single_fear', 15]] as const);
  if (kind === 'none') return 'impact not recorded';
  if (kind === 'not_recorded') {
    b.addOne('impact', NOT_RECORDED);
    return 'impact not recorded';
  }
  if (kind === 'mild') {
    b.addOne('impact', MILD);
    return 'mild impact only';
  }
  b.addOne('impact', SINGLE_FEAR);
  return 'fear on one occasion only';
}
