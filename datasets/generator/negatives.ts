// Records that are not stalking. Hard negatives share stalking's vocabulary (messages, following,
// turning up, disputes, the word "stalking" itself) but lack a course of conduct fixated on the victim:
// one-offs, genuine disputes, negated or hypothetical behaviour, conduct aimed at someone else.
// Easy negatives are the ordinary business of a control room.
import type { Builder, Draft } from './compose.ts';
import { LEADS_FIRST, LEADS_MORE, actions, closing, filler, opener } from './compose.ts';
import { MILD, NOT_RECORDED } from './impacts.ts';
import type { Relationship } from './people.ts';
import type { Rng } from './random.ts';

export interface NegativeScenario {
  name: string;
  hard: boolean;
  /** Relationship of the other party (undefined: no other party, field left out). */
  rels: readonly (readonly [Relationship | undefined, number])[];
  weight: number;
  write(b: Builder): Omit<Draft, 'label_stalking' | 'label_s4a' | 'scenario' | 'relationship'>;
}

const TOPICS = [
  'parking', 'the shared driveway', 'a boundary fence', 'an overgrown hedge', 'the bins', "a barking dog",
  'building work', 'a leaking pipe', 'the communal garden', 'loud music', 'a tree overhanging the garden', 'a party wall',
];
const MONEY = [
  'a car {V:sold|sold} to {s}', 'the return of belongings after the break-up', 'a loan of £{nn}0', 'the deposit on a flat {we} shared',
  'a dog {we} both want to keep', 'the sale of the house', 'a sofa {Sp:says|say} is {sp}', 'money from a holiday {we} cancelled',
];

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return rng.pick(xs);
}

const HARD_CONTEXT = [
  '{V:has|have} no concerns for {vp} safety',
  '{V:does|do} not want any police action',
  '{V:wanted|wanted} it logged in case',
  '{V:is|am} not frightened of {s}',
  '{V:is|am} annoyed rather than worried',
  '{V:was|was} keen to stress {V:is|am} not scared',
];
const WANTS = [
  '{V:wants|want} advice on what to do', '{V:wanted|wanted} police to be aware', '{V:asked|asked} for a call back tomorrow',
  '{V:wants|want} it recorded', '{V:asked|asked} whether police can do anything', '{V:was|was} told to ring back if anything changes',
];
const KNOWN_CONTEXT = ['{V:has|have} known {s} for {years}', '{we} have known each other for {years}', '{V:gets|get} on with {s} otherwise'];

/** Stalking-like words in plainly non-stalking sentences, so single words do not decide the label. */
const CROSS = [
  '{S} has never threatened {v}',
  '{V:has|have} not had to change anything in {vp} day-to-day life',
  '{V:is|am} not in fear of {s}',
  'doorbell footage was checked and shows nothing of note',
  '{V:has|have} not been followed or watched',
  'there is no suggestion {S} has been to {vp} address',
  '{V:does|do} not want {s} warned, just wanted advice',
  'no threats, no fear of violence',
];

function tail(b: Builder, stalkingish = false): void {
  if (b.rng.chance(0.35)) b.addOne('background', CROSS);
  // Negatives' events get the same openers as positives' ("In addition", "IP ADDS", "Since then").
  let firstEvent = true;
  for (const p of b.parts) {
    if (p.section === 'event' && b.rng.chance(0.35)) {
      const lead = b.rng.pick((firstEvent ? LEADS_FIRST : LEADS_MORE)[b.style]!).trim();
      firstEvent = false;
      // Lower-case the old first letter unless it starts an acronym ("IP", "SUSP").
      const keep = /^[A-Z]{2}/.test(p.text);
      if (lead) p.text = `${lead} ${keep ? p.text : p.text.charAt(0).toLowerCase() + p.text.slice(1)}`;
    }
  }
  if (b.rng.chance(0.7)) {
    if (b.cast.identity === 'named' && b.rng.chance(0.4)) b.addOne('background', KNOWN_CONTEXT);
    else b.addSome('background', 1, 2, HARD_CONTEXT);
  }
  if (b.rng.chance(0.4)) b.addOne('background', WANTS);
  // Low-level impact wording appears in negatives as well as in s2A positives.
  if (!b.parts.some((p) => p.section === 'impact') && b.rng.chance(0.3)) b.addOne('impact', b.rng.chance(0.5) ? MILD : NOT_RECORDED);
  // Officers run DASH, warn and interview in one-off cases too.
  actions(b, b.rng.int(1, 4), stalkingish || b.rng.chance(0.35));
  if (b.rng.chance(0.7)) closing(b);
}

export const NEGATIVE_SCENARIOS: readonly NegativeScenario[] = [
  {
    name: 'hard_negative:neighbour_dispute', hard: true, weight: 12, rels: [['neighbour', 1]],
    write(b) {
      const topic = pick(b.rng, TOPICS);
      const fill = { topic };
      opener(b);
      b.addSome('background', 1, 2, [
        '{V:has|have} been in dispute with {s} over {topic} since {month}',
        'there is a long-running disagreement between the two households about {topic}',
        'the council and the housing association are already involved over {topic}',
        'ONGOING NBR DISPUTE RE {topic}',
      ].filter((t) => b.log || !t.startsWith('ONGOING')), { fill });
      const event = b.rng.weighted([['shout', 3], ['words', 3], ['camera', 1], ['knock', 2]] as const);
      if (event === 'shout') b.add('event', '{S} shouted at {v} over {topic} this morning; no threats were made', { codes: ['J3'], fill });
      if (event === 'words') b.add('event', 'words were exchanged over the fence about {topic}; both sides were angry', { fill });
      if (event === 'camera') b.add('event', '{S} has put up a camera covering {sp} own drive, which {V:feels|feel} also takes in part of {vp} garden', { fill });
      if (event === 'knock') b.add('event', '{S} knocked on {vp} door once to complain about {topic}', { fill });
      b.addSome('background', 1, 2, [
        'both parties make allegations against each other',
        'both sides have complained to the council',
        '{S} says {V:is|am} the one causing the problem',
        'the other party has also called police about {topic}',
        'the council have written to both households',
        '{topic} has been a problem for {years}',
        '{S} says the problem is on {vp} side',
        '{V:has|have} kept a diary of the noise and the arguments, all about {topic}',
        '{V:says|say} the dispute is getting worse',
        'the dispute is escalating and both sides are now recording each other',
        'the relationship between the two households broke down in {month}',
      ], { fill });
      b.addOne('action', [
        'both parties advised this is a civil matter',
        'referred to community mediation',
        'advised to contact the council about {topic}',
        'no offences disclosed; words of advice to both parties',
      ], { fill });
      tail(b);
      return { recorded_as: b.rng.weighted([['Civil dispute', 4], ['Neighbour dispute', 4], ['ASB - personal', 3], ['Harassment', 1]]), kind: 'incident', opening_code: 'NEIGHBOUR DISPUTE', rationale: `neighbour dispute about ${topic}: mutual and about the dispute, no fixation on the person, no course of conduct` };
    },
  },
  {
    name: 'hard_negative:civil_dispute', hard: true, weight: 9, rels: [['ex-partner', 3], ['friend', 2], ['acquaintance', 2], ['family', 2]],
    write(b) {
      const topic = b.voice.say(pick(b.rng, MONEY));
      const fill = { topic: topic.charAt(0).toLowerCase() + topic.slice(1) };
      opener(b);
      b.add('background', pick(b.rng, ['the disagreement is about {topic}', '{V:is|am} in a dispute with {s} about {topic}', 'the matter concerns {topic}']), { fill });
      // Ex-partners in a money dispute have recently separated: a risk marker without any stalking.
      if (b.cast.relationship === 'ex-partner' && b.rng.chance(0.6)) b.add('background', '{we} separated in {month}', { risk: ['separation'] });
      const e = b.rng.int(0, 3);
      if (e === 0) b.add('event', '{S} came to collect {sp} things by arrangement and an argument started about {topic}', { fill });
      if (e === 1) b.add('event', '{S} sent one message asking for the money back', { codes: ['A2'], fill });
      if (e === 2) b.add('event', '{S} phoned {v} once about {topic} and the call ended in raised voices', { codes: ['A1'], fill });
      if (e === 3) b.add('event', 'a letter from {sp} solicitor arrived about {topic}', { fill });
      b.addSome('background', 1, 2, [
        'no threats were made', 'there have been no other incidents', '{V:has|have} had no other problems with {s}', 'contact otherwise goes through solicitors',
        '{V:accepts|accept} some money is owed', 'both want the matter sorted out', '{S} has not been to the house since',
      ]);
      b.addOne('action', ['advised this is a civil matter', 'advised to seek legal advice', 'small claims court suggested', 'no offences disclosed'], {});
      tail(b);
      return { recorded_as: b.rng.pick(['Civil dispute', 'Civil matter', 'Dispute - no offences']), kind: 'incident', opening_code: 'CIVIL DISPUTE', rationale: 'a genuine civil dispute with a single contact; no repetition or fixation' };
    },
  },
  {
    name: 'hard_negative:single_malicious_message', hard: true, weight: 10,
    rels: [['ex-partner', 3], ['acquaintance', 2], ['friend', 1], ['colleague', 1], ['family', 1], ['unknown', 1], ['online-only', 1]],
    write(b) {
      opener(b);
      const e = b.rng.int(0, 3);
      if (e === 0) b.add('event', '{S} sent a single abusive message on {app} calling {v} {insult}', { codes: ['A2'] });
      if (e === 1) b.add('event', '{S} posted one comment on {platform} calling {v} {insult}', { codes: ['B1'] });
      if (e === 2) b.add('event', 'a letter calling {v} {insult} was put through the door {when}', { codes: ['A3'], fill: { when: b.rng.pick(['last night', 'on Friday', 'this morning']) } });
      if (e === 3) b.add('event', '{S} sent a voice note last night saying {V:is|am} {insult}', { codes: ['A2'] });
      if (b.voice.emoji) b.add('event', 'it ended with "{e}"', { fill: { e: b.rng.pick(['🤡', '😂😂', '🙄', '👋', '😡', '🖕']) } });
      b.addSome('background', 1, 2, [
        'it is the first contact in {n} months',
        'there has been no contact before or since',
        '{S} has since apologised and there has been no further contact',
        '{V:has|have} blocked {s} and nothing else has been received',
        'ONE MSG ONLY - NO PREV',
      ].filter((t) => b.log || !t.startsWith('ONE')));
      if (b.rng.chance(0.5)) b.addOne('impact', MILD);
      tail(b);
      return { recorded_as: b.rng.weighted([['Malicious Communications', 6], ['Harassment', 1], ['Public order - s5', 1]]), kind: 'crime', opening_code: 'MALICIOUS COMMUNICATIONS', rationale: 'a single offensive communication; no repetition, so no course of conduct' };
    },
  },
  {
    name: 'hard_negative:one_off_following', hard: true, weight: 8, rels: [['stranger', 4], ['unknown', 1]],
    write(b) {
      opener(b);
      b.addOne('event', [
        '{S} followed {v} from {place} for about ten minutes on one occasion',
        'a car followed {vp} car for a few miles after a near miss at a junction, then turned off',
        '{S} walked behind {v} from the station last night then went into a house further down',
        '{car} followed {v} out of {place} car park this evening',
        'FOLLOWED BY MALE FROM BUS STOP TONIGHT - MALE THEN WALKED OFF',
      ].filter((t) => b.log || !t.startsWith('FOLLOWED')), { codes: ['C1'] });
      b.addSome('background', 1, 2, ['{V:has|have} not seen {s} before or since', '{V:was|was} terrified at the time but it has not happened again', 'it was a one-off', 'there have been no further sightings', 'nothing like this has happened before', '{V:got|got} home safely and locked the door', '{V:could|could} only give a vague description']);
      b.addOne('action', ['area search negative', 'patrols advised', 'CCTV requested for the route', 'description circulated'], {});
      tail(b);
      return { recorded_as: b.rng.pick(['Concern for safety', 'Suspicious circumstances', 'Road rage - public order']), kind: 'incident', opening_code: 'SUSPICIOUS CIRCUMSTANCES', rationale: 'following on a single occasion by someone not seen before or since; no course of conduct' };
    },
  },
  {
    name: 'hard_negative:negated_behaviour', hard: true, weight: 10,
    rels: [['ex-partner', 5], ['acquaintance', 1], ['neighbour', 1], ['colleague', 1], ['family', 1]],
    write(b) {
      opener(b);
      b.addSome('background', 1, 2, [
        '{V:was|was} worried because a car like the one {S} drives was parked outside, but the VRM check shows it belongs to a visitor next door',
        '{V:thought|thought} {V:saw|saw} {s} in town but is not sure it was {s}',
        '{V:called|called} because {rel} is due out of prison and {V:wanted|wanted} to know where things stand',
        '{V:wanted|wanted} to update police on the earlier report',
      ]);
      for (const t of b.rng.sample([
        '{S} has not contacted {v} since {month}',
        '{S} is subject to bail conditions and has kept to them',
        'there have been no messages, calls or visits',
        '{V:confirms|confirm} {S} has not been to the address',
        '{S} denies following {v} and there is no evidence {Sp:did|did}',
        'no contact since the order was granted',
        '{V:has|have} not seen {s} since {month}',
        'NO CONTACT FROM SUSP SINCE {month}',
        'no sightings of {s} in the area',
        ...(b.cast.relationship === 'ex-partner' ? ['there has been no contact since the relationship ended in {month}'] : []),
      ].filter((t) => b.log || !t.startsWith('NO CONTACT FROM')), b.rng.int(1, 3))) b.add('background', t);
      tail(b);
      return { recorded_as: b.rng.pick(['Concern for safety', 'Information report', 'Domestic incident (non-crime)', 'Harassment - no crime']), kind: 'incident', opening_code: 'CONCERN FOR SAFETY', rationale: 'behaviour mentioned only as absent or denied; nothing has happened' };
    },
  },
  {
    name: 'hard_negative:other_experiencer', hard: true, weight: 8, rels: [['unknown', 3], [undefined, 2], ['stranger', 1]],
    write(b) {
      opener(b);
      b.addOne('event', [
        '{V:has|have} been receiving texts meant for the previous owner of {vp} number, all asking for someone called {name}',
        'letters and callers keep coming to the address for the previous tenant, who moved out owing money',
        'debt collectors have called {freq} asking for a {name} who does not live there',
        'a man came to the door asking for {name}, and apologised and left when told {Sp:had|had} the wrong house',
        '{V:reports|report} a male shouting at a woman in the street outside; neither is known to {v} and both had gone on arrival',
      ], { fill: { name: b.rng.pick(['Jenny', 'Craig', 'Mr Wilson', 'Aleksandra', 'Tom', 'Ms Hussain']), freq: b.rng.pick(['x3', 'three times', 'twice', 'several times']) } });
      if (b.rng.chance(0.4)) b.add('background', '{vp} sister was harassed by an ex years ago, which is why {V:is|am} nervous');
      b.addSome('background', 1, 2, ['nothing is directed at {v} personally', '{V:is|am} not being targeted', 'the contact is clearly meant for someone else', '{V:has|have} lived at the address for {years}', '{V:has|have} told the callers {V:is|am} not the person they want']);
      tail(b);
      return { recorded_as: b.rng.pick(['Concern for safety', 'Suspicious circumstances', 'Nuisance calls', 'Information report']), kind: 'incident', opening_code: 'SUSPICIOUS CIRCUMSTANCES', rationale: 'repeated or alarming conduct aimed at someone else, not the caller' };
    },
  },
  {
    name: 'hard_negative:hypothetical', hard: true, weight: 8, rels: [['ex-partner', 5], ['family', 1], ['acquaintance', 1]],
    write(b) {
      opener(b);
      b.addSome('background', 1, 2, [
        '{V:is|am} worried {S} might start contacting {v} when {Sp:is|are} released from prison next month',
        '{V:asked|asked} what to do if {S} turns up at the house',
        '{V:wants|want} advice in case {S} finds out where {V:lives|live} now',
        'if {S} contacts {v} {V:will|will} call 999',
        '{V:is|am} terrified of what {S} might do if {Sp} finds out where {V:lives|live}',
        '{V:fears|fear} {S} will attack {v} when {Sp:is|are} released',
        '{V:has|have} made it clear to {vp} family that {V:wants|want} no contact if {Sp:is|are} released',
      ]);
      b.addSome('background', 1, 2, ['no incidents have occurred', 'there has been no contact so far', 'nothing has happened yet', 'NO INCIDENTS TO DATE', '{V:has|have} moved on with {vp} life', '{V:wants|want} to know {vp} options'].filter((t) => b.log || !t.startsWith('NO INC')));
      b.addOne('action', ['safety advice given', 'advised to call 999 if needed', 'address flagged as a precaution', 'advice on personal safety given'], {});
      tail(b);
      return { recorded_as: b.rng.pick(['Information report', 'Concern for safety', 'Advice only', 'DVDS']), kind: 'incident', opening_code: 'ADVICE', rationale: 'worry about what might happen; no behaviour has occurred' };
    },
  },
  {
    name: 'hard_negative:domestic_no_pattern', hard: true, weight: 10, rels: [['partner', 1]],
    write(b) {
      opener(b);
      const push = b.rng.chance(0.25);
      b.addOne('event', [
        '{V:had|had} an argument with {s} about money after {we} had both been drinking',
        'a verbal argument took place between {v} and {s} about the washing up that got out of hand',
        'there was a row about {sp} going out with friends',
        'VERBAL DOMESTIC - ARGUMENT OVER MONEY',
      ].filter((t) => b.log || !t.startsWith('VERBAL')), { codes: b.rng.chance(0.3) ? ['J3'] : [] });
      if (push) b.add('event', '{S} pushed {v} once during the argument', { codes: ['K1'], risk: ['violence'] });
      for (const t of b.rng.sample([
        push ? 'there was a minor injury and no medical attention was needed' : 'it was verbal only and nobody was hurt',
        '{we} had both calmed down by the time police arrived',
        'no previous domestic reports at the address',
        '{we} are still together and intend to stay together',
        '{S} went to stay at {sp} mum\'s for the night',
      ], b.rng.int(2, 3))) b.add('background', t);
      actions(b, b.rng.int(1, 2), false);
      if (b.rng.chance(0.7)) closing(b);
      return { recorded_as: push ? b.rng.pick(['Common Assault', 'Assault - battery (domestic)']) : b.rng.pick(['Domestic incident', 'Domestic - verbal only', 'Domestic incident (non-crime)']), kind: push ? 'crime' : 'incident', opening_code: 'DOMESTIC', rationale: 'a one-off domestic incident between current partners; no separation and no pattern' };
    },
  },
  {
    name: 'hard_negative:dispute_harassment', hard: true, weight: 10,
    rels: [['acquaintance', 2], ['neighbour', 1], ['ex-partner', 2], ['colleague', 1], ['unknown', 1]],
    write(b) {
      opener(b);
      const freq = b.rng.pick(['x4', 'five times', 'on 6 occasions', 'several times', 'repeatedly', 'three times this week', 'most days', 'on three separate occasions', 'over the last 3 weeks', 'twice in the past fortnight']);
      // The dispute has to fit who the other party is.
      const byRel: Partial<Record<Relationship, readonly number[]>> = { acquaintance: [0, 1, 3], neighbour: [4, 0], 'ex-partner': [2, 3], colleague: [3], unknown: [0, 4] };
      const variant = b.rng.pick(byRel[b.cast.relationship] ?? [0]);
      const subject = ['an unpaid invoice', 'rent arrears', 'handovers of the children', 'money from the business', 'the damage to the car'][variant]!;
      const lines = [
        '{Sname}, a builder {V:used|used} last year, has emailed {v} {freq} chasing an unpaid invoice for £{nn}00',
        '{Sname}, {vp} landlord, has texted {v} {freq} about rent arrears and an inspection',
        '{S} messages {v} {freq} about handovers of the children, as set out in the court order',
        '{S} keeps calling {v} about money from the business {we} ran together, {freq}',
        '{S} has contacted {v} {freq} about the insurance claim for damage to {sp} car after a collision',
      ];
      b.add('event', lines[variant]!, { codes: variant === 0 || variant === 2 ? ['A2'] : ['A1'], fill: { freq }, online: variant === 0 });
      if (b.voice.emoji) b.add('event', 'the last one said "{e}"', { fill: { e: b.rng.pick(['still waiting 🙄', 'please reply 🙏', 'call me back 👍', 'any update? 🙂']) } });
      b.addSome('background', 1, 2, [
        'the messages are about {subject} only and are not abusive',
        '{S} stopped when {V:asked|asked} for contact to go through solicitors',
        '{V:accepts|accept} there is a dispute about {subject}, though the contact is stressful',
        'the content is businesslike and there is nothing personal in it',
        'the messages are getting more frequent as the deadline gets closer',
        'despite the dispute, the messages have stayed polite',
        '{V:asked|asked} {s} to leave {v} alone until the solicitors respond, and {Sp:has|have}',
      ], { fill: { subject } });
      b.addOne('action', ['advised this is a civil matter', 'advised to respond in writing only', 'no offences disclosed', 'advised to seek advice from Citizens Advice'], {});
      tail(b);
      return { recorded_as: b.rng.weighted([['Harassment', 3], ['Civil dispute', 3], ['Malicious Communications', 1]]), kind: 'incident', opening_code: 'HARASSMENT', rationale: `repeated contact about a genuine dispute (${subject}), proportionate and not fixated on the person` };
    },
  },
  {
    name: 'hard_negative:historical_resolved', hard: true, weight: 5, rels: [['ex-partner', 1]],
    write(b) {
      opener(b);
      b.addSome('background', 1, 2, [
        '{V:was|was} harassed by {rel} in {year}; a restraining order was made and there has been no contact since',
        'there was a stalking case against {rel} some years ago which ended in a conviction; {V:has|have} heard nothing from {s} since',
        'historic DA with {rel}, last contact {year}; not relevant to this call',
      ], { fill: { year: String(b.date.getUTCFullYear() - b.rng.int(3, 9)) } });
      b.addOne('event', [
        'today {V:is|am} reporting that {vp} bike was stolen from the shed overnight',
        'the call today is about a lost bank card',
        '{V:is|am} reporting a scam phone call from someone claiming to be from the bank',
        'today\'s report concerns a parcel stolen from {vp} doorstep',
      ]);
      b.add('background', pick(b.rng, ['there is nothing to suggest {S} is involved', 'no link to {s} suspected', '{V:does|do} not think it is connected to {s}']));
      tail(b);
      return { recorded_as: b.rng.pick(['Theft', 'Lost property', 'Fraud - attempted', 'Theft from dwelling']), kind: 'crime', opening_code: 'THEFT', rationale: 'historical, resolved matter mentioned for context; the current report is unrelated' };
    },
  },
  {
    name: 'hard_negative:loose_stalking_word', hard: true, weight: 5, rels: [['ex-partner', 2], ['colleague', 1], ['acquaintance', 1]],
    write(b) {
      opener(b);
      b.addOne('event', [
        '{V:says|say} {S} is "stalking" {v} because {Sp} liked one of {vp} photos on {platform}',
        '{V:says|say} {rel} is stalking {v} after {Sp} viewed {vp} LinkedIn profile once',
        '{V:believes|believe} {S} is stalking {v} online; on enquiry {Sp} commented once on a mutual friend\'s post',
        'RP STATES SUSP STALKING HER ON FB - ON ENQUIRY ONE LIKE ON A PHOTO',
      ].filter((t) => b.log || !t.startsWith('RP STATES')), { codes: ['B1'] });
      b.addSome('background', 1, 2, ['there has been no direct contact', 'no other behaviour is described', 'that is the only thing that has happened', 'no messages, calls or visits', '{V:has|have} since made {vp} profile private', '{V:was|was} upset to see it']);
      b.addOne('action', ['advised on privacy settings', 'no offences disclosed', 'advice given; no further action'], {});
      tail(b);
      return { recorded_as: b.rng.pick(['Information report', 'Harassment - no crime', 'Concern for safety']), kind: 'incident', opening_code: 'HARASSMENT', rationale: 'the word "stalking" is used loosely for a single, trivial online interaction' };
    },
  },
  {
    name: 'hard_negative:over_recorded', hard: true, weight: 3, rels: [['acquaintance', 2], ['stranger', 2], ['colleague', 1]],
    write(b) {
      opener(b);
      b.addOne('event', [
        '{S} approached {v} once at {place} asking for a date; when told no, {Sp} left',
        '{S} sent {v} one message after {we} met at {place} asking to meet up',
        '{S} waited outside {vp} work once to apologise for an argument',
      ], { codes: [b.rng.pick(['A4', 'A2', 'C3'] as const)] });
      b.addSome('background', 1, 2, ['{S} has not been seen since', 'there has been no further contact', 'no previous incidents', '{V:was|was} unsettled by it', '{V:did|did} not know {s} well']);
      tail(b, true);
      return { recorded_as: b.rng.pick(['Stalking s2A', 'Stalking (s2A PHA 1997)']), kind: 'crime', opening_code: 'STALKING', rationale: 'recorded as stalking but describes a single occasion; no course of conduct (over-recorded)' };
    },
  },
  {
    name: 'hard_negative:one_off_incident', hard: true, weight: 10,
    rels: [['acquaintance', 2], ['neighbour', 1], ['stranger', 2], ['colleague', 1], ['family', 1], ['ex-partner', 1]],
    write(b) {
      opener(b);
      const e = b.rng.int(0, 3);
      let rec = 'Public Order';
      if (e === 0) {
        b.add('event', '{S} said "{threat}" during an argument in the pub', { codes: ['J1'], risk: ['threat_to_kill'] });
        rec = 'Threats to Kill';
      } else if (e === 1) {
        b.add('event', '{S} kicked {vp} car door during a row about parking', { codes: ['I1'] });
        rec = 'Criminal Damage';
      } else if (e === 2) {
        b.add('event', '{S} pushed {v} during an argument at a party', { codes: ['K1'], risk: ['violence'] });
        rec = 'Common Assault';
      } else {
        b.add('event', '{S} shouted at {v} in the street after a disagreement at {place}', { codes: ['J3'] });
      }
      b.addSome('background', 1, 2, ['there is no history between {us}', 'this is the first incident', 'nothing has happened before or since', 'a one-off, both had been drinking', 'witnesses confirm the account', 'it was over in a minute']);
      tail(b);
      return { recorded_as: rec, kind: 'crime', opening_code: 'DISTURBANCE', rationale: 'a single incident with no history; no course of conduct' };
    },
  },
  {
    name: 'hard_negative:consensual_contact', hard: true, weight: 6, rels: [['ex-partner', 1]],
    write(b) {
      opener(b);
      b.addSome('background', 1, 2, [
        '{V:speaks|speak} to {s} most days about the children by agreement',
        '{we} co-parent and message each other daily about the kids, which {V:is|am} happy with',
        'the contact arrangements are informal and have worked well',
        'the relationship ended in {month} on reasonable terms',
      ]);
      // Separated, so a risk marker is present, but the contact is agreed: risk is not the label.
      if (b.rng.chance(0.5)) b.add('background', '{we} separated in {month}', { risk: ['separation'] });
      b.addOne('event', [
        'there was an argument at the handover today about {topic}',
        '{S} was late returning the children and {we} argued on the doorstep',
        'words were exchanged about school uniform money at the handover',
      ], { codes: b.rng.chance(0.3) ? ['J3'] : [], fill: { topic: b.rng.pick(['school holidays', 'money', 'a new partner', 'bedtimes']) } });
      b.addSome('background', 1, 2, ['{V:has|have} no other concerns about {s}', 'no previous incidents', 'both calmed down before police arrived', 'the children were inside at the time', '{we} agreed to use a contact app for arrangements']);
      tail(b);
      return { recorded_as: b.rng.pick(['Domestic incident', 'Domestic incident (non-crime)', 'Child contact dispute']), kind: 'incident', opening_code: 'DOMESTIC', rationale: 'agreed, wanted contact between co-parents with one argument; not unwanted or fixated' };
    },
  },
  {
    name: 'hard_negative:legitimate_contact', hard: true, weight: 5, rels: [['police officer', 3], ['colleague', 2], ['family', 1], ['friend', 1]],
    write(b) {
      opener(b);
      const freq = b.rng.pick(['x3', 'three times', 'several times', 'on 4 occasions', 'twice this week', 'every few days']);
      const lines: Partial<Record<Relationship, readonly string[]>> = {
        'police officer': [
          '{S}, the officer dealing with {vp} burglary, has called {v} {freq} to arrange a statement',
          '{S}, the OIC, has texted {v} {freq} with updates on the case',
          'an officer has visited {freq} to return property and take details',
        ],
        colleague: [
          '{vp} manager has contacted {v} {freq} while {V:is|am} off sick, as the absence policy requires',
          '{S} from HR has emailed {v} {freq} about a return-to-work meeting',
        ],
        family: ['{vp} {relnoun} has called {freq} to check on {v} since {V:came|came} out of hospital', '{S} has been round {freq} to drop off shopping'],
        friend: ['{S} has messaged {v} {freq} to ask if {V:is|am} all right after the break-up', '{S} keeps checking in on {v} because {V:has|have} been unwell'],
      };
      b.add('event', b.rng.pick(lines[b.cast.relationship] ?? lines.friend!), { codes: [b.rng.pick(['A1', 'A2'] as const)], fill: { freq } });
      b.addSome('background', 1, 2, [
        'the contact is for a legitimate reason', '{V:finds|find} it a bit much but understands why', 'it stopped as soon as {V:asked|asked} for less contact',
        '{V:wanted|wanted} advice on whether this is allowed', 'there is nothing personal or threatening in it',
      ]);
      tail(b);
      return { recorded_as: b.rng.pick(['Information report', 'Harassment - no crime', 'Advice only', 'Concern for safety']), kind: 'incident', opening_code: 'ADVICE', rationale: 'repeated contact for a legitimate, wanted or work-related reason; not fixated or intrusive' };
    },
  },
];

/** A single incident by a known person, written with no history: part of a linked series. */
export const LINKED_SINGLE: NegativeScenario = {
  name: 'hard_negative:linked_single_incident', hard: true, weight: 0,
  rels: [['ex-partner', 1]],
  write(b) {
    opener(b);
    const code = b.rng.pick(['C2', 'A4', 'I1', 'A2', 'C3', 'E1'] as const);
    b.behaviour(code, 'single');
    if (b.rng.chance(0.5)) b.addOne('impact', MILD);
    tail(b);
    const rec = { C2: 'Domestic incident', A4: 'Concern for safety', I1: 'Criminal Damage', A2: 'Malicious Communications', C3: 'Concern for safety', E1: 'Information report' }[code];
    return { recorded_as: rec, kind: 'incident', opening_code: 'CONCERN FOR SAFETY', rationale: 'this record alone describes one occasion; other records about the same people (victim_ref, suspect_ref) may show a course of conduct' };
  },
};

interface EasyType {
  name: string;
  rel: Relationship | undefined;
  recorded: readonly string[];
  kind: 'incident' | 'crime';
  opening: string;
  lines: readonly string[];
}

const EASY: readonly EasyType[] = [
  { name: 'shoplifting', rel: undefined, recorded: ['Shoplifting', 'Theft from shop'], kind: 'crime', opening: 'THEFT', lines: [
    'store security report a male detained after leaving without paying for £{nn} of meat', 'the suspect left the shop with alcohol concealed in a bag', 'staff recognised the offender from previous thefts at other stores', 'goods recovered in a saleable condition', 'CCTV available from store' ] },
  { name: 'rtc', rel: undefined, recorded: ['RTC - damage only', 'Road traffic collision'], kind: 'incident', opening: 'RTC', lines: [
    'two vehicle collision at the junction, no injuries', 'vehicles blocking the road; recovery requested', 'details exchanged between drivers', 'one driver breathalysed - negative', 'road cleared by {time}' ] },
  { name: 'burglary_genuine', rel: 'unknown', recorded: ['Burglary dwelling', 'Burglary - residential'], kind: 'crime', opening: 'BURGLARY', lines: [
    'rear door forced while the family were away; jewellery and a laptop taken', 'offenders searched every room and left by the back garden', 'several other burglaries in the area this week', 'forensics requested for the point of entry', 'victim has no idea who is responsible', 'the victim has had the locks changed and fitted a doorbell camera', 'the family are staying with relatives until the door is repaired' ] },
  { name: 'vehicle_crime', rel: 'unknown', recorded: ['Theft from motor vehicle', 'Theft of motor vehicle'], kind: 'crime', opening: 'VEHICLE CRIME', lines: [
    'vehicle window smashed overnight and tools taken from the van', 'keyless theft of a car from the driveway captured on a neighbour\'s camera', 'catalytic converter cut off in the car park', 'several vehicles in the street targeted the same night' ] },
  { name: 'bank_fraud', rel: 'unknown', recorded: ['Fraud - courier scam', 'Fraud - bank impersonation', 'Online fraud'], kind: 'crime', opening: 'FRAUD', lines: [
    'the victim received a call from someone claiming to be from the bank and transferred £{nn}00', 'a text about a missed parcel led to card details being entered on a fake site', 'the bank has frozen the account', 'Action Fraud report completed', 'the victim is elderly and lives alone', 'the victim has changed all passwords and the number on the account' ] },
  { name: 'missing_person', rel: undefined, recorded: ['Missing person', 'Missing person - found'], kind: 'incident', opening: 'MISPER', lines: [
    'a 15-year-old failed to return home from school', 'she was later found safe and well at a friend\'s house', 'return home interview to be arranged', 'no concerns about exploitation identified' ] },
  { name: 'welfare_check', rel: undefined, recorded: ['Concern for welfare'], kind: 'incident', opening: 'CONCERN FOR SAFETY', lines: [
    'a neighbour has not seen the elderly occupant for three days and the curtains are closed', 'officers attended and found the occupant well; phone battery had died', 'family informed', 'no further concerns' ] },
  { name: 'pub_assault', rel: 'stranger', recorded: ['Assault ABH', 'Common Assault'], kind: 'crime', opening: 'ASSAULT', lines: [
    'a fight broke out outside the pub at closing time between two groups', 'the victim was punched by a male he did not know', 'the suspect left in a taxi before police arrived', 'door staff have CCTV', 'victim taken to hospital with a cut eye' ] },
  { name: 'asb_youths', rel: 'unknown', recorded: ['ASB - nuisance', 'ASB - environmental'], kind: 'incident', opening: 'ASB', lines: [
    'a group of youths on bikes throwing stones at passing buses', 'youths gathering in the park and setting off fireworks', 'group dispersed on police arrival', 'regular problem at this location, passed to neighbourhood team' ] },
  { name: 'noise_party', rel: undefined, recorded: ['Noise nuisance', 'ASB - nuisance'], kind: 'incident', opening: 'ASB', lines: [
    'loud music from a house party in the street at 0200', 'occupants agreed to turn the music down', 'caller reports this is the first party at the address', 'passed to the council noise team' ] },
  { name: 'bike_theft', rel: 'unknown', recorded: ['Theft of pedal cycle'], kind: 'crime', opening: 'THEFT', lines: [
    'pedal cycle stolen from outside the train station', 'lock cut and left at the scene', 'frame number registered on the bike database', 'no CCTV at the location' ] },
  { name: 'lost_property', rel: undefined, recorded: ['Lost property'], kind: 'incident', opening: 'LOST PROPERTY', lines: [
    'caller has lost a wallet containing bank cards on the bus', 'caller advised to cancel the cards', 'details recorded in case the item is handed in' ] },
  { name: 'drugs', rel: undefined, recorded: ['Possession of cannabis', 'Drugs intelligence'], kind: 'crime', opening: 'DRUGS', lines: [
    'strong smell of cannabis from a parked car', 'occupants searched; small amount of cannabis found', 'community resolution given', 'intel log submitted' ] },
  { name: 'dog_incident', rel: undefined, recorded: ['Dangerous dog', 'Dog bite'], kind: 'incident', opening: 'ANIMALS', lines: [
    'a dog off its lead bit another dog in the park', 'owner details exchanged', 'vet bills being discussed between the owners', 'dog warden informed' ] },
];

const ROUTINE = [
  'caller was calm and cooperative', 'no injuries to anyone', 'nobody at the scene on arrival', 'the caller is happy with the advice given',
  'crime reference number passed to the caller', 'the caller does not know who is responsible', 'second call about this in an hour', 'caller was driving at the time of the call',
];

/** Ordinary control-room business: no stalking vocabulary to speak of. */
export function writeEasy(b: Builder, type: EasyType): Omit<Draft, 'label_stalking' | 'label_s4a' | 'scenario' | 'relationship'> {
  if (type.rel && b.rng.chance(0.5)) opener(b);
  for (const t of b.rng.sample(type.lines, b.rng.int(2, type.lines.length))) b.add('event', t, t.includes('punched') ? { codes: ['K1'], risk: ['violence'] } : { online: /fake site|online/.test(t) });
  if (b.rng.chance(0.5)) b.addOne('background', ROUTINE);
  actions(b, b.rng.int(1, 4), false);
  for (let i = b.rng.int(0, 2); i > 0; i--) filler(b);
  if (b.rng.chance(0.7)) closing(b);
  return { recorded_as: b.rng.pick(type.recorded), kind: type.kind, opening_code: type.opening, rationale: `routine ${type.name.replace(/_/g, ' ')} report; nothing suggests stalking` };
}

export const EASY_TYPES = EASY;
